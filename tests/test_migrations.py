import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

from app.config import Settings
from app.ops.cli import alembic_config
from app.store.db import make_engine


def _diff(url: str) -> list[object]:
    engine = make_engine(url)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, SQLModel.metadata)
    engine.dispose()
    return diff


def test_upgrade_head_matches_models(settings: Settings) -> None:
    command.upgrade(alembic_config(settings.database_url), "head")
    assert _diff(settings.database_url) == []


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_downgrade_to_base_then_upgrade_again(settings: Settings) -> None:
    cfg = alembic_config(settings.database_url)
    command.upgrade(cfg, "head")
    command.downgrade(cfg, "base")
    engine = make_engine(settings.database_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    command.upgrade(cfg, "head")
    assert _diff(settings.database_url) == []
    engine = make_engine(settings.database_url)
    assert {"option", "stance", "permalink", "revision"} <= set(inspect(engine).get_table_names())
    engine.dispose()


@pytest.mark.sqlite_only
def test_sqlite_pragmas(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
    engine.dispose()


@pytest.mark.postgresql_only
def test_connections_run_in_utc_with_a_lock_timeout(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SHOW timezone").scalar() == "UTC"
        assert conn.exec_driver_sql("SHOW lock_timeout").scalar() == "5s"
    engine.dispose()


def test_postgresql_urls_get_the_pinned_driver() -> None:
    from app.store.db import normalise_url

    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"


@pytest.mark.parametrize(
    ("claims", "ok"),
    [((), False), (("assessment_id",), True), (("assessment_id", "stance_id"), False)],
)
def test_a_citation_names_exactly_one_claim(settings: Settings, claims: tuple, ok: bool) -> None:
    """The CHECK holds on both databases (PostgreSQL has no boolean + boolean)."""
    command.upgrade(alembic_config(settings.database_url), "head")
    engine = make_engine(settings.database_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO source (id, position, title, publisher, date, kind, notes)"
                " VALUES ('s', 0, 't', 'p', '2024-01-01', 'primary', '')"
            )
        )
    values = ", ".join(["1"] * len(claims))
    columns = "".join(f", {c}" for c in claims)
    insert = text(
        "INSERT INTO citation (source_id, position, locator"
        f"{columns}) VALUES ('s', 0, ''{', ' + values if values else ''})"
    )
    with engine.connect() as conn:
        # The claim rows do not exist: foreign key checks are off so that only the CHECK is
        # under test (PostgreSQL checks foreign keys with triggers, which replicas skip).
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SET session_replication_role = replica")
        else:
            conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
        try:
            conn.execute(insert)
            conn.commit()
            inserted = True
        except IntegrityError as exc:
            assert "one_claim" in str(exc)
            inserted = False
    engine.dispose()
    assert inserted is ok


def test_0003_keeps_stored_comparisons_and_its_downgrade_writes_them_back(
    settings: Settings,
) -> None:
    """Links made before small permalinks keep their stored comparison; going back to the
    schema before stores the rebuilt comparison in every row, so none is lost either way."""
    import datetime as dt
    import json

    from sqlmodel import Session

    from app.analysis.snapshot import load_snapshot
    from app.dataset.check import load_dataset
    from app.store import models as m
    from app.store import permalinks, queries
    from tests.helpers import CYCLE, DATA

    cfg = alembic_config(settings.database_url)
    command.upgrade(cfg, "0002")
    engine = make_engine(settings.database_url)
    content = load_dataset(CYCLE).model_dump(mode="json")
    # A comparison as links stored it before 0003 (format 1, a plain dict).
    old = json.loads((DATA / "snapshot-v1.json").read_text())
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO revision (id, content_hash, dossier_slug, loaded_at, note, content)"
                " VALUES (1, 'h', 'cycle-lanes', :t, '', :c)"
            ),
            {"t": dt.datetime(2026, 1, 2), "c": json.dumps(content)},
        )
        conn.execute(
            text(
                "INSERT INTO permalink (code, state, revision, snapshot, created_at)"
                " VALUES ('oldlink00001', 'o=painted-lanes,protected-lanes', 1, :s, :t)"
            ),
            {"s": json.dumps(old), "t": dt.datetime(2026, 1, 2)},
        )
    command.upgrade(cfg, "head")
    with Session(engine) as session:
        link = queries.permalink(session, code="oldlink00001", caches=permalinks.Caches())
        assert link is not None and link.snapshot == load_snapshot(old)
        row = session.get(m.Permalink, "oldlink00001")
        assert row is not None and row.snapshot == old and row.snapshot_version == 1
        session.add(
            m.Permalink(
                code="newlink00001",
                state="o=no-change,painted-lanes",
                revision=1,
                created_at=dt.datetime(2026, 1, 3, tzinfo=dt.UTC),
            )
        )
        session.commit()
        rebuilt = queries.permalink(session, code="newlink00001", caches=permalinks.Caches())
        assert rebuilt is not None and rebuilt.snapshot is not None
        expected = rebuilt.snapshot.json_data()
    engine.dispose()
    command.downgrade(cfg, "0002")
    engine = make_engine(settings.database_url)
    with engine.connect() as conn:
        rows = dict(conn.execute(text("SELECT code, snapshot FROM permalink")).all())
    engine.dispose()
    as_json = {k: v if isinstance(v, dict) else json.loads(v) for k, v in rows.items()}
    assert as_json == {"oldlink00001": old, "newlink00001": json.loads(json.dumps(expected))}
    command.upgrade(cfg, "head")
