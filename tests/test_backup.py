"""`explorer backup` and `explorer restore` round trip: restored, every permalink renders the
same, and what happened after the backup is gone. On SQLite and on PostgreSQL."""

import datetime as dt
from pathlib import Path

from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from app import models as m
from app.cli import main
from app.config import Settings
from app.main import create_app
from tests.conftest import CYCLE, load

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


def test_backup_restore_round_trip(engine: Engine, migrated: Settings, tmp_path: Path) -> None:
    load(engine, CYCLE)
    with TestClient(create_app(migrated)) as c:
        codes = [
            c.post("/c", data=f, follow_redirects=False).headers["location"].rsplit("/", 1)[1]
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
