"""A dossier may judge its options on a single criterion: every page still answers (there is
no second axis for the overview chart, and nothing to trade off in a ranking)."""

from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.config import Settings
from app.main import create_app
from tests.helpers import CYCLE, load


@pytest.fixture
def one_criterion(engine: Engine, migrated: Settings, tmp_path: Path) -> TestClient:
    data = yaml.safe_load(CYCLE.read_text())
    data["criteria"] = [c for c in data["criteria"] if c["slug"] == "safety"]
    for option in data["options"]:
        option["assessments"] = {k: v for k, v in option["assessments"].items() if k == "safety"}
    path = tmp_path / "one-criterion.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    load(engine, path)
    return TestClient(create_app(migrated))


def test_every_page_answers_with_a_single_criterion(one_criterion: TestClient) -> None:
    for path in (
        "/",
        "/matrix",
        "/options/painted-lanes",
        "/options/painted-lanes/scores.svg",
        "/compare?o=painted-lanes,protected-lanes",
        "/api/v1/options",
        "/charts/overview.svg",
        "/charts/overview.png",
        "/compare/ranks.svg?o=painted-lanes,protected-lanes",
    ):
        r = one_criterion.get(path)
        assert r.status_code == 200, (path, r.status_code, r.text[:300])
    # The one criterion is both axes: asking for it is no error.
    assert one_criterion.get("/?x=safety&y=safety", follow_redirects=True).status_code == 200
