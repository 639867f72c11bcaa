"""Each test gets its own database, migrated with the real Alembic scripts, and a real app.

APP_TEST_DATABASE picks the database the suite runs on:
- `sqlite` (the default): one SQLite file per test;
- `postgresql`: a throwaway PostgreSQL cluster (tests/pgcluster.py), started for the session and
  removed afterwards, with one database per test;
- a PostgreSQL URL (`postgresql+psycopg://user@host:port/db`): an existing server whose user may
  create databases; each test gets its own, dropped afterwards.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher, profiles
from fastapi.testclient import TestClient
from hypothesis import settings as hypothesis_settings
from sqlalchemy.engine import Engine

from app.config import DEFAULT_DATASET, Settings, get_settings
from app.editing import accounts
from app.main import create_app
from app.ops import linkcheck
from app.ops.cli import migrate
from app.store.db import make_engine
from tests.helpers import (
    CYCLE,
    FLOOD,
    ON_POSTGRESQL,
    PG_TEMPLATE,
    PUBLIC_ADDRESS,
    TEST_DATABASE,
    _template_db,
    load,
    pg_database,
    pg_drop,
)

# `make test` is the landing gate: property tests run the same examples on every run, so a
# landing never fails for an example unrelated to the change. HYPOTHESIS_PROFILE=explore
# searches afresh, with more examples, as a separate job.
hypothesis_settings.register_profile("gate", derandomize=True, database=None)
hypothesis_settings.register_profile("explore", max_examples=400)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "gate"))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: tests SQLite itself (pragmas, file locks)")
    config.addinivalue_line("markers", "postgresql_only: tests PostgreSQL's session settings")


def pytest_report_header() -> str:
    return f"database: {TEST_DATABASE}"


# Argon2's production cost (about 0.2 s of CPU a hash, against guessing) would make the
# in-process tests spend minutes hashing test passwords. Servers started as child processes
# keep the real cost; tests/test_cli_accounts.py checks the hashes are still Argon2id.
accounts._hasher = PasswordHasher.from_parameters(profiles.CHEAPEST)
accounts._DUMMY_HASH = accounts._hasher.hash("not a password")


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[sa.Engine | None]:
    """On PostgreSQL runs, an AUTOCOMMIT engine on the server's maintenance database."""
    if not ON_POSTGRESQL:
        yield None
        return
    cluster = None
    url = TEST_DATABASE
    if url == "postgresql":
        from tests.pgcluster import Cluster

        cluster = Cluster().start()
        url = cluster.url
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {PG_TEMPLATE} WITH (FORCE)")
    try:
        yield admin
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {PG_TEMPLATE} WITH (FORCE)")
        admin.dispose()
        if cluster is not None:
            cluster.stop()


def _pg_template_exists(admin: sa.Engine) -> bool:
    with admin.connect() as conn:
        found = conn.exec_driver_sql(
            "SELECT 1 FROM pg_database WHERE datname = %s", (PG_TEMPLATE,)
        ).first()
    return found is not None


@pytest.fixture
def db_url(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
    pg_admin: sa.Engine | None,
) -> Iterator[str]:
    name = None
    if pg_admin is None:
        url = f"sqlite:///{tmp_path}/explorer.db"
    else:
        # A test that asks for a migrated database gets a copy of the migrated template at once.
        wants_schema = "migrated" in request.fixturenames and _pg_template_exists(pg_admin)
        name, url = pg_database(pg_admin, PG_TEMPLATE if wants_schema else None)
        request.node.stash[_from_template] = wants_schema
    # The CLI reads settings from the environment; point it at this test's database.
    monkeypatch.setenv("APP_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()
    if pg_admin is not None and name is not None:
        pg_drop(pg_admin, name)


_from_template = pytest.StashKey[bool]()


@pytest.fixture
def settings(db_url: str) -> Settings:
    # Tests change the database between requests: ask for the revision every time.
    return Settings(database_url=db_url, revision_poll_seconds=0)


@pytest.fixture
def migrated(
    settings: Settings,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    pg_admin: sa.Engine | None,
) -> Settings:
    # Running Alembic once per session and copying the result keeps tests fast and still real.
    if pg_admin is not None:
        if not request.node.stash.get(_from_template, False):
            migrate(settings)
            source = sa.make_url(settings.database_url).database
            with pg_admin.connect() as conn:
                conn.exec_driver_sql(f"CREATE DATABASE {PG_TEMPLATE} TEMPLATE {source}")
        return settings
    target = tmp_path / "explorer.db"
    if "db" not in _template_db:
        migrate(settings)
        _template_db["db"] = target.read_bytes()
    else:
        target.write_bytes(_template_db["db"])
    return settings


@pytest.fixture
def engine(migrated: Settings) -> Iterator[Engine]:
    engine = make_engine(migrated.database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def client(engine: Engine, migrated: Settings) -> Iterator[TestClient]:
    """The app over the small cycle-lane dataset."""
    load(engine, CYCLE)
    with TestClient(create_app(migrated)) as c:
        yield c


@pytest.fixture
def ukraine(engine: Engine, migrated: Settings) -> Iterator[TestClient]:
    """The app over the default dataset."""
    load(engine, DEFAULT_DATASET)
    with TestClient(create_app(migrated)) as c:
        yield c


@pytest.fixture
def flood(engine: Engine, migrated: Settings) -> Iterator[TestClient]:
    """The app over the small flood-defence dataset."""
    load(engine, FLOOD)
    with TestClient(create_app(migrated)) as c:
        yield c


@pytest.fixture
def empty_client(migrated: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(migrated)) as c:
        yield c


@pytest.fixture(autouse=True)
def offline_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """DNS is outside the test machine (and unreachable here): hosts under example.org resolve
    to a public address; anything else goes to the system resolver, which still knows
    localhost and numeric spellings such as 127.1. HTTP itself is mocked with pytest-httpx."""
    system = linkcheck.resolve

    async def resolve(host: str, port: int) -> list[str]:
        if host == "example.org" or host.endswith(".example.org"):
            return [PUBLIC_ADDRESS]
        return await system(host, port)

    monkeypatch.setattr(linkcheck, "resolve", resolve)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # A test of one database's own settings belongs to that database's run only: the other
    # run leaves it out (deselected), rather than reporting it skipped.
    other = "sqlite_only" if ON_POSTGRESQL else "postgresql_only"
    dropped = [item for item in items if other in item.keywords]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if other not in item.keywords]
    # Browser tests last: fast feedback first, and Playwright's sync API keeps an event loop
    # running for the session, which would stop asyncio.run() in the link-check tests.
    items.sort(key=lambda item: "tests/browser/" in str(item.path).replace("\\", "/"))
    # Everything under tests/browser/ drives Chromium: `make test-fast` leaves it out.
    for item in items:
        if "tests/browser/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)
