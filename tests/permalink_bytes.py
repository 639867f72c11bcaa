"""Bytes per permanent link in the database (F2), before and after storing them small.

    python -m tests.permalink_bytes            # on SQLite, in a temporary directory
    APP_TEST_DATABASE=postgresql python -m tests.permalink_bytes

"Before" is a row as it was made until now (the whole comparison in the row); "after" is a row
as it is made now (state, revision, version, time). Both are measured by the database itself:
the bytes of each row's values as SQLite stores them, or as PostgreSQL does (pg_column_size,
after compression), plus a row header.
"""

import itertools
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.config import DEFAULT_DATASET, Settings
from app.main import create_app
from app.store import models as m
from tests.web.test_compare import UKRAINE_OPTIONS

CRITERIA = ("feasibility", "legal-hurdles", "deterrence", "speed")
OPTIONS = UKRAINE_OPTIONS[:6]


def forms(n: int) -> Iterator[dict[str, str]]:
    """`n` distinct comparisons of the default dataset, six options each: the biggest rows."""
    for i, weights in enumerate(itertools.product(range(6), repeat=4)):
        if i >= n:
            return
        w = ",".join(f"{c}:{v}" for c, v in zip(CRITERIA, weights, strict=True))
        yield {"o": ",".join(OPTIONS), "w": w, "assume": "hu:0"}


def table_bytes(engine: Engine) -> int:
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            # As stored: a long snapshot is compressed (TOAST); 24 bytes of row header.
            return int(
                conn.execute(
                    text(
                        "SELECT sum(pg_column_size(code) + pg_column_size(state)"
                        " + pg_column_size(revision) + coalesce(pg_column_size(snapshot), 0)"
                        " + pg_column_size(snapshot_version) + pg_column_size(created_at) + 24)"
                        " FROM permalink"
                    )
                ).scalar()
            )
        # Sum of the rows' bytes as SQLite stores them (dbstat is not always compiled in).
        return int(
            conn.execute(
                text(
                    "SELECT coalesce(sum(length(code) + length(state) + 8 + length(created_at)"
                    " + coalesce(length(snapshot), 0) + 8), 0) FROM permalink"
                )
            ).scalar()
        )


@dataclass(frozen=True)
class Measure:
    links: int
    before: float  # bytes per link with the comparison stored
    after: float  # bytes per link as made now


def measure(engine: Engine, settings: Settings, n: int = 100) -> Measure:
    """Make `n` links through POST /c, then the same rows with their comparison stored."""
    with TestClient(create_app(settings.model_copy(update={"permalink_rate_limit": 10**6}))) as c:
        codes = []
        for form in forms(n):
            r = c.post("/c", data=form, follow_redirects=False)
            assert r.status_code == 303, r.text
            codes.append(r.headers["location"].rsplit("/", 1)[1])
        shown = {code: c.get(f"/c/{code}.json").json() for code in codes}
    with Session(engine) as session:
        rows = [session.get(m.Permalink, code) for code in codes]
        assert all(r is not None and r.snapshot is None for r in rows)
    after = table_bytes(engine)
    with Session(engine) as session:
        for code in codes:
            row = session.get(m.Permalink, code)
            assert row is not None
            row.snapshot = {k: v for k, v in shown[code].items() if k != "permalink"}
            session.add(row)
        session.commit()
    before = table_bytes(engine)
    return Measure(len(codes), before / len(codes), after / len(codes))


def main() -> None:
    from app.ops.cli import migrate
    from app.store.db import make_engine
    from tests.helpers import load
    from tests.pgcluster import scratch_database

    with tempfile.TemporaryDirectory() as tmp, scratch_database(Path(tmp)) as url:
        settings = Settings(database_url=url)
        migrate(settings)
        engine = make_engine(url)
        load(engine, DEFAULT_DATASET)
        r = measure(engine, settings)
        engine.dispose()
    print(
        f"{engine.dialect.name}: {r.links} permalinks of six options each; bytes per permalink:"
        f" before {r.before:,.0f}, after {r.after:,.0f}"
    )


if __name__ == "__main__":
    main()
