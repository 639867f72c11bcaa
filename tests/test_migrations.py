from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from app.cli import alembic_config
from app.config import Settings
from app.db import make_engine


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


def test_sqlite_pragmas(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
    engine.dispose()
