"""Two identical loads at once make one revision, not two (F15)."""

import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.config import DEFAULT_DATASET, Settings
from app.dataset.check import load_dataset
from app.store import models as m
from app.store.load import ImportResult, import_dataset
from tests.helpers import CYCLE, load

# Starts servers or processes: `make check` leaves it to `make test`.
pytestmark = pytest.mark.slow


def _revisions(engine: Engine) -> list[tuple[int, str]]:
    with Session(engine) as session:
        rows = session.exec(select(m.Revision).order_by(m.Revision.id)).all()
        return [(r.id or 0, r.content_hash) for r in rows]


def test_identical_concurrent_loads_commit_once(engine: Engine) -> None:
    load(engine, CYCLE)
    ds = load_dataset(DEFAULT_DATASET)
    barrier = threading.Barrier(2)

    def run(_: int) -> ImportResult:
        barrier.wait()
        with Session(engine) as session:
            return import_dataset(session, ds)

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(run, range(2)))
    assert sorted(r.changed for r in results) == [False, True]
    assert {r.revision for r in results} == {2}
    assert [n for n, _ in _revisions(engine)] == [1, 2]
    # The content tables hold that one load, once.
    with Session(engine) as session:
        assert len(session.exec(select(m.Option)).all()) == len(ds.options)


def test_two_explorer_load_processes_at_once_make_one_revision(
    engine: Engine, migrated: Settings
) -> None:
    env = {**os.environ, "APP_DATABASE_URL": migrated.database_url}
    explorer = Path(sys.executable).with_name("explorer")
    procs = [
        subprocess.Popen(
            [str(explorer), "load"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    said = sorted(out.decode().strip() for out, _ in outputs)
    assert said == [
        "loaded ukraine-security-guarantees.yaml as revision 1",
        "ukraine-security-guarantees.yaml is unchanged; still revision 1",
    ]
    assert [n for n, _ in _revisions(engine)] == [1]
