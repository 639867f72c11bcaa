"""Each test gets its own SQLite file, migrated with the real Alembic scripts, and a real app."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app import linkcheck
from app.cli import migrate
from app.config import DEFAULT_DATASET, Settings, get_settings
from app.dataset.check import load_dataset
from app.dataset.load import import_dataset
from app.db import make_engine
from app.main import create_app

DATA = Path(__file__).parent / "data"
CYCLE = DATA / "cycle-lanes.yaml"
_template_db: dict[str, bytes] = {}
PUBLIC_ADDRESS = "93.184.215.14"  # example.org's: globally routable


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path}/explorer.db"
    # The CLI reads settings from the environment; point it at this test's database.
    monkeypatch.setenv("APP_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


@pytest.fixture
def settings(db_url: str) -> Settings:
    # Tests change the database between requests: ask for the revision every time.
    return Settings(database_url=db_url, revision_poll_seconds=0)


@pytest.fixture
def migrated(settings: Settings, tmp_path: Path) -> Settings:
    # Running Alembic once per session and copying the file keeps tests fast and still real.
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


def load(engine: Engine, path: Path) -> int:
    with Session(engine) as session:
        return import_dataset(session, load_dataset(path)).revision


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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Browser tests last: fast feedback first, and Playwright's sync API keeps an event loop
    # running for the session, which would stop asyncio.run() in the link-check tests.
    items.sort(key=lambda item: "tests/browser/" in str(item.path).replace("\\", "/"))
    # Everything under tests/browser/ drives Chromium: `make test-fast` leaves it out.
    for item in items:
        if "tests/browser/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)
