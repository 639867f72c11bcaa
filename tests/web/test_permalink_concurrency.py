"""POST /c under contention: identical concurrent requests, and a database locked by a load."""

import sqlite3
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from app.config import Settings
from app.main import create_app
from app.store import models as m
from app.store.db import make_engine
from tests.helpers import CYCLE, load

# Starts servers or processes: `make check` leaves it to `make test`.
pytestmark = pytest.mark.slow

PAIR = "painted-lanes,protected-lanes"


@pytest.fixture
def workers(engine: Engine, migrated: Settings) -> Iterator[list[TestClient]]:
    """Two apps on one database, like two server processes, without a rate limit in the way."""
    load(engine, CYCLE)
    settings = migrated.model_copy(update={"permalink_rate_limit": 10_000})
    with ExitStack() as stack:
        yield [stack.enter_context(TestClient(create_app(settings))) for _ in range(2)]


def test_identical_concurrent_posts_all_get_the_same_link(
    workers: list[TestClient], engine: Engine
) -> None:
    rounds, per_round = 12, 8
    for i in range(rounds):
        form = {"o": PAIR, "w": f"safety:{i % 6},cost:{i // 6}"}
        barrier = threading.Barrier(per_round)

        def post(n: int, form: dict[str, str] = form, barrier: threading.Barrier = barrier):
            barrier.wait()
            return workers[n % 2].post("/c", data=form, follow_redirects=False)

        with ThreadPoolExecutor(per_round) as pool:
            answers = list(pool.map(post, range(per_round)))
        assert [r.status_code for r in answers] == [303] * per_round, [r.text for r in answers]
        assert len({r.headers["location"] for r in answers}) == 1
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(m.Permalink)).one() == rounds


def test_post_waiting_for_a_locked_database_stalls_nothing_and_answers_503(
    workers: list[TestClient], migrated: Settings
) -> None:
    client = workers[0]
    assert client.get("/healthz").status_code == 200
    # What `explorer load` does for the length of its transaction: hold SQLite's write lock,
    # or on PostgreSQL the lock on `revision` that a new permalink's foreign key waits for.
    if migrated.database_url.startswith("sqlite"):
        loader = sqlite3.connect(migrated.database_url.removeprefix("sqlite:///"), timeout=0)
        loader.execute("BEGIN IMMEDIATE")
    else:
        loader = make_engine(migrated.database_url).raw_connection()
        loader.cursor().execute("LOCK TABLE revision IN EXCLUSIVE MODE")
    try:
        with ThreadPoolExecutor(1) as pool:
            pending = pool.submit(
                client.post, "/c", data={"o": PAIR, "w": "safety:1"}, follow_redirects=False
            )
            time.sleep(0.5)  # the POST is now waiting for the lock (busy_timeout: 5 s)
            assert not pending.done()
            start = time.perf_counter()
            assert client.get("/healthz").status_code == 200
            assert client.get(f"/compare?o={PAIR}").status_code == 200
            assert time.perf_counter() - start < 1.0, "the event loop was blocked"
            r = pending.result(timeout=30)
    finally:
        loader.rollback()
        loader.close()
    assert r.status_code == 503
    assert int(r.headers["retry-after"]) > 0
    assert "busy" in r.text
    assert r.headers["content-security-policy"]
    # Once the lock is gone the same request works.
    assert client.post("/c", data={"o": PAIR, "w": "safety:1"}, follow_redirects=False).is_redirect
