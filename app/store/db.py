"""Engine construction and the per-request session dependency."""

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import create_engine

from app.config import ROOT

if TYPE_CHECKING:
    from alembic.config import Config


def alembic_config(url: str) -> "Config":
    # Imported here: Alembic costs each server process 10 MB, and only the CLI migrates.
    from alembic.config import Config

    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def upgrade(url: str, version: str = "head") -> None:
    """Run the Alembic migrations on the database at `url` up to `version`."""
    from alembic import command

    command.upgrade(alembic_config(url), version)


def schema_versions() -> set[str]:
    """Every schema version the migrations know."""
    from alembic.script import ScriptDirectory

    return {s.revision for s in ScriptDirectory.from_config(alembic_config("")).walk_revisions()}


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers proceed during a load; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def normalise_url(url: str) -> str:
    """PostgreSQL URLs name the driver the lock file pins (psycopg 3): `postgresql://` and
    `postgres://` would otherwise ask SQLAlchemy for psycopg2, which is not installed."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # Timestamps are stored without a zone, in UTC, whatever the server's TimeZone; a statement
    # waiting for a lock (a load holds one on `revision`) gives up like SQLite's busy_timeout.
    return create_engine(
        url,
        pool_pre_ping=True,
        connect_args={"options": "-c timezone=UTC -c lock_timeout=5000"},
    )
