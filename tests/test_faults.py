"""A server killed with kill -9 under load loses no permalink it has answered for, and the
database passes its integrity check afterwards."""

import threading
import time

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from app.config import DEFAULT_DATASET, Settings
from tests.helpers import load
from tests.loadtest import Stats, run_load, verify
from tests.servers import Server

# Starts servers or processes: `make check` leaves it to `make test`.
pytestmark = pytest.mark.slow

ENV = {"APP_TRUSTED_PROXIES": "127.0.0.1", "APP_ACCESS_LOG": "false"}


def test_kill_9_under_load_then_restart(engine: Engine, migrated: Settings) -> None:
    load(engine, DEFAULT_DATASET)
    server = Server(migrated.database_url, "--workers", "2", env=ENV).start()
    stats = Stats()
    try:
        # Half of the requests create permalinks, so the kill lands among writes.
        loader = threading.Thread(
            target=run_load,
            args=(server.base,),
            kwargs={"seconds": 8, "connections": 8, "post_share": 0.5, "stats": stats},
        )
        loader.start()
        time.sleep(5)
        server.kill()
        with stats.lock:
            answered = set(stats.created)
        loader.join()
    finally:
        server.stop()
    assert len(answered) >= 10, stats.statuses
    assert stats.errors, "the kill should have cut some requests off"

    with Server(migrated.database_url, env=ENV) as again:
        assert verify(again.base, answered) == []
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
        else:
            # Every index of the permalink table agrees with its rows.
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS amcheck"))
            for (index,) in conn.execute(
                text(
                    "SELECT indexrelid::regclass::text FROM pg_index"
                    " WHERE indrelid = 'permalink'::regclass"
                )
            ):
                conn.execute(text(f"SELECT bt_index_check('{index}', true)"))
        stored = conn.execute(text("SELECT count(*) FROM permalink")).scalar()
    assert stored >= len(answered)
