"""Property-based API tests: Schemathesis generates requests from the app's own OpenAPI spec and
checks that no input gets a 5xx and that every response matches its documented schema."""

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance
from sqlmodel import Session

from app.config import DEFAULT_DATASET, Settings
from app.dataset.check import load_dataset
from app.main import create_app
from app.ops.cli import migrate
from app.serving.site import RevisionPoller
from app.store.db import make_engine
from app.store.load import import_dataset
from tests.api.conftest import SUMMARY
from tests.helpers import pg_database, pg_drop

# Starts servers or processes: `make check` leaves it to `make test`.
pytestmark = pytest.mark.slow

CHECKS = [not_a_server_error, response_schema_conformance]
# Bounded and derandomized: the same cases on every run, well under a minute in total.
MAX_EXAMPLES = 25
_stats = {"cases": 0, "real": 0, "operations": 0, "failed": 0}


# The spec needs no database, so the schema can be loaded at collection time (Schemathesis'
# fixture-based loader does not work with this pytest); the fixture below fills the database
# before any case runs.
DB = Path(tempfile.gettempdir()) / f"explorer-schemathesis-{os.getpid()}.db"
APP = create_app(Settings(database_url=f"sqlite:///{DB}", revision_poll_seconds=0))
schema = schemathesis.openapi.from_asgi("/api/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def loaded(request: pytest.FixtureRequest, pg_admin: sa.Engine | None) -> Iterator[None]:
    """The default dataset, migrated and loaded once for the module: conftest's per-test
    databases would be rebuilt for every generated case. On PostgreSQL runs, a database of
    its own on the test server."""
    DB.unlink(missing_ok=True)
    # Loading the spec at collection opened a pooled connection to the file just removed.
    APP.state.engine.dispose()
    pg_name = None
    if pg_admin is not None:
        pg_name, url = pg_database(pg_admin)
        APP.state.settings = Settings(database_url=url, revision_poll_seconds=0)
        APP.state.engine = make_engine(url)
    APP.state.revision = RevisionPoller(APP.state.engine, 0)
    cfg: Settings = APP.state.settings
    migrate(cfg)
    engine = make_engine(cfg.database_url)
    with Session(engine) as session:
        import_dataset(session, load_dataset(DEFAULT_DATASET))
    engine.dispose()
    yield
    APP.state.engine.dispose()
    if pg_admin is not None and pg_name is not None:
        pg_drop(pg_admin, pg_name)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DB}{suffix}").unlink(missing_ok=True)
    request.config.stash[SUMMARY] = (
        f"schemathesis: {_stats['cases']} generated cases over {_stats['operations']} operations "
        f"({_stats['failed']} failing calls), plus {_stats['real']} calls with real slugs"
    )


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms(case: schemathesis.Case) -> None:
    _stats["cases"] += 1
    try:
        case.call_and_validate(checks=CHECKS)
    except BaseException:  # Schemathesis raises a FailureGroup, an exception group
        _stats["failed"] += 1
        raise


def test_every_operation_was_generated() -> None:
    """Guards against a spec change that silently drops operations from the run above."""
    ops = [r.ok() for r in schema.get_all_operations()]
    _stats["operations"] = len(ops)
    paths = {op.path for op in ops}
    assert len(ops) >= 24
    assert {"/api/v1/options", "/api/v1/options/{slug}", "/api/v1/stances"} <= paths


def test_real_slugs_conform() -> None:
    """Random slugs mostly hit 404s; call every path-parameter operation with real slugs from
    the dataset too, so the 200 answers are checked against their schemas as well."""
    from app.analysis.index import build_index
    from app.pages import data as datapackage

    ds = load_dataset(DEFAULT_DATASET)
    ix = build_index(ds)
    values = {
        "slug": {
            "options": list(ix.options),
            "stakeholders": list(ix.stakeholders),
        },
        "source_id": {"sources": list(ix.sources)},
        "name": {"data": list(datapackage.BY_NAME)},
    }
    checked = 0
    for result in schema.get_all_operations():
        op = result.ok()
        params = [p.name for p in op.path_parameters]
        if not params or params in (["code"], ["proposal_id"]):  # no slugs: not in the dataset
            continue
        (name,) = params
        parts = op.path.split("/")
        group = parts[3] if parts[1] == "api" else parts[1]
        for value in values[name][group]:
            case = op.Case(path_parameters={name: value})
            response = case.call_and_validate(checks=CHECKS)
            assert response.status_code == 200, (op.path, value)
            checked += 1
    _stats["real"] += checked
    assert checked > 50
