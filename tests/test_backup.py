"""`explorer backup` and `explorer restore` round trip: restored, every permalink renders the
same, and what happened after the backup is gone. On SQLite and on PostgreSQL."""

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from app.config import Settings
from app.main import create_app
from app.ops.cli import main
from app.store import models as m
from app.store.db import alembic_config
from tests.helpers import CYCLE, ON_POSTGRESQL, load, permalink_code

FORMS = [
    {"o": "painted-lanes,protected-lanes"},
    {"o": "protected-lanes,painted-lanes,no-change", "w": "safety:5,cost:0"},
    {"o": "painted-lanes,protected-lanes", "assume": "shops:2"},
]


def _cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _pages(settings: Settings, codes: list[str]) -> dict[str, tuple[str, str, str]]:
    with TestClient(create_app(settings)) as c:  # a fresh app: nothing cached
        return {
            code: (
                c.get(f"/c/{code}").text,
                c.get(f"/c/{code}.json").text,
                c.get(f"/c/{code}.csv").text,
            )
            for code in codes
        }


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_backup_restore_round_trip(engine: Engine, migrated: Settings, tmp_path: Path) -> None:
    load(engine, CYCLE)
    with TestClient(create_app(migrated)) as c:
        codes = [
            permalink_code(c.post("/c", data=f, follow_redirects=False).headers["location"])
            for f in FORMS
        ]
        legacy = c.get("/compare.json?o=no-change,painted-lanes").json()
    legacy["options"][0]["title"] = "Stored in the row"
    with Session(engine) as session:  # a row made before small permalinks: comparison stored
        session.add(
            m.Permalink(
                code="storedlink01",
                state="o=no-change,painted-lanes",
                revision=1,
                snapshot=legacy,
                created_at=dt.datetime.now(dt.UTC),
            )
        )
        session.commit()
    codes.append("storedlink01")
    before = _pages(migrated, codes)
    assert "Stored in the row" in before["storedlink01"][0]

    backup = tmp_path / "explorer.backup"
    assert "backed up" in _cli("backup", str(backup))

    # After the backup: a new revision, a new link, a link deleted.
    changed = tmp_path / "changed.yaml"
    changed.write_text(CYCLE.read_text().replace("title: Painted lanes", "title: Paint"))
    load(engine, changed)
    with TestClient(create_app(migrated)) as c:
        later = c.post("/c", data={"o": "no-change,protected-lanes"}, follow_redirects=False)
        assert later.status_code == 303
    with Session(engine) as session:
        session.delete(session.get(m.Permalink, codes[0]))
        session.commit()
    engine.dispose()

    assert "restored" in _cli("restore", str(backup))
    assert _pages(migrated, codes) == before
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(m.Permalink)).one() == len(codes)
        assert session.exec(select(func.max(m.Revision.id))).one() == 1


def test_restore_refuses_a_file_that_is_not_a_backup_of_this_kind(
    migrated: Settings, tmp_path: Path
) -> None:
    bogus = tmp_path / "bogus.backup"
    bogus.write_bytes(
        b"PGDMP" if migrated.database_url.startswith("sqlite") else b"SQLite format 3\x00"
    )
    result = CliRunner().invoke(main, ["restore", str(bogus)])
    assert result.exit_code == 1
    assert "is not a" in result.output


# --- A restore checks the backup first, keeps the current database aside, and changes nothing
# --- on any failure (a name with `#` or `?` once restored an empty file over everything).


def _state(engine: Engine) -> tuple[int, int, int | None]:
    """What a failed restore must leave alone: revisions, permalinks and the newest revision."""
    engine.dispose()
    with Session(engine) as session:
        return (
            session.exec(select(func.count()).select_from(m.Revision)).one(),
            session.exec(select(func.count()).select_from(m.Permalink)).one(),
            session.exec(select(func.max(m.Revision.id))).one(),
        )


def _two_revisions(engine: Engine, migrated: Settings, tmp_path: Path) -> None:
    load(engine, CYCLE)
    with TestClient(create_app(migrated)) as c:
        assert c.post("/c", data=FORMS[0], follow_redirects=False).status_code == 303
    changed = tmp_path / "changed.yaml"
    changed.write_text(CYCLE.read_text().replace("title: Painted lanes", "title: Paint"))
    load(engine, changed)


def _refused(file: Path) -> str:
    result = CliRunner().invoke(main, ["restore", str(file)])
    assert result.exit_code == 1, result.output
    assert "not restored" in result.output and "unchanged" in result.output
    return result.output


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
@pytest.mark.parametrize("name", ["good#1.backup", "b?x.backup", "a%41 b.backup"])
def test_restore_reads_the_named_file_whatever_its_characters(
    engine: Engine, migrated: Settings, tmp_path: Path, name: str
) -> None:
    load(engine, CYCLE)
    backup = tmp_path / name
    _cli("backup", str(backup))
    (tmp_path / "good").touch()  # what `good#1` once opened, empty, and restored
    changed = tmp_path / "changed.yaml"
    changed.write_text(CYCLE.read_text().replace("title: Painted lanes", "title: Paint"))
    load(engine, changed)
    engine.dispose()

    assert "restored" in _cli("restore", str(backup))
    assert _state(engine)[0::2] == (1, 1)


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_restore_keeps_the_current_database_aside(
    engine: Engine, migrated: Settings, tmp_path: Path
) -> None:
    load(engine, CYCLE)
    backup = tmp_path / "one.backup"
    _cli("backup", str(backup))
    _two_revisions(engine, migrated, tmp_path)
    before = _state(engine)

    output = _cli("restore", str(backup))
    aside = Path(output.rsplit("kept at ", 1)[1].strip())
    assert aside.is_file() and "pre-restore" in aside.name
    assert _state(engine)[2] == 1
    # The copy kept aside is itself a backup that restores what was there.
    _cli("restore", str(aside))
    assert _state(engine) == before


HEAD = ScriptDirectory.from_config(alembic_config("")).get_current_head()
HOSTILE = {
    "an unknown table": ("CREATE TABLE foo (x INTEGER)", "DROP TABLE foo"),
    "a view": ("CREATE VIEW v AS SELECT 1 AS x", "DROP VIEW v"),
    "an unknown schema version": (
        "UPDATE alembic_version SET version_num = '9999'",
        f"UPDATE alembic_version SET version_num = '{HEAD}'",
    ),
    "a trigger": (
        (
            "CREATE FUNCTION wipe() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN DELETE FROM permalink; RETURN NULL; END $$; "
            "CREATE TRIGGER wipe AFTER INSERT ON permalink "
            "FOR EACH STATEMENT EXECUTE FUNCTION wipe()"
        )
        if ON_POSTGRESQL
        else "CREATE TRIGGER wipe AFTER INSERT ON permalink BEGIN DELETE FROM permalink; END",
        "DROP TRIGGER wipe ON permalink; DROP FUNCTION wipe()"
        if ON_POSTGRESQL
        else "DROP TRIGGER wipe",
    ),
    "a missing table": ("DROP TABLE ratelimit", None),
}
if ON_POSTGRESQL:  # a column default is an expression PostgreSQL runs on every insert
    HOSTILE["a default that runs code"] = (
        "ALTER TABLE ratelimit ALTER COLUMN hits SET DEFAULT length(current_user)",
        "ALTER TABLE ratelimit ALTER COLUMN hits DROP DEFAULT",
    )


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
@pytest.mark.parametrize("kind", list(HOSTILE))
def test_restore_refuses_a_backup_that_is_not_this_apps_schema(
    engine: Engine, migrated: Settings, tmp_path: Path, kind: str
) -> None:
    _two_revisions(engine, migrated, tmp_path)
    make, undo = HOSTILE[kind]
    with engine.begin() as conn:
        conn.exec_driver_sql(make)
    hostile = tmp_path / "hostile.backup"
    _cli("backup", str(hostile))
    with engine.begin() as conn:
        if undo is None:  # put the dropped table back as the migrations make it
            m.RateLimit.__table__.create(conn)  # type: ignore[attr-defined]
        else:
            conn.exec_driver_sql(undo)
    before = _state(engine)

    _refused(hostile)
    assert _state(engine) == before
    assert not list(tmp_path.glob("*pre-restore*"))


@pytest.mark.skipif(ON_POSTGRESQL, reason="SQLite files: a PostgreSQL dump is checked above")
@pytest.mark.parametrize("kind", ["unrelated", "empty", "damaged"])
def test_restore_refuses_a_sqlite_file_that_is_not_a_sound_backup(
    engine: Engine, migrated: Settings, tmp_path: Path, kind: str
) -> None:
    _two_revisions(engine, migrated, tmp_path)
    before = _state(engine)
    file = tmp_path / f"{kind}.db"
    if kind == "damaged":
        _cli("backup", str(file))
        data = bytearray(file.read_bytes())
        data[4096 : 4096 * 3] = b"\xa5" * 8192  # pages past the header, overwritten
        file.write_bytes(bytes(data))
    else:
        conn = sqlite3.connect(file)
        conn.execute("CREATE TABLE foo (x)" if kind == "unrelated" else "PRAGMA user_version=1")
        conn.commit()
        conn.close()

    output = _refused(file)
    assert str(file) in output
    assert _state(engine) == before


def test_a_failed_upgrade_after_the_copy_puts_the_old_database_back(
    engine: Engine, migrated: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(engine, CYCLE)
    backup = tmp_path / "one.backup"
    _cli("backup", str(backup))
    _two_revisions(engine, migrated, tmp_path)
    before = _state(engine)

    def broken(_settings: Settings) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("app.ops.cli.migrate", broken)
    output = _refused(backup)
    assert "disk full" in output
    assert _state(engine) == before
