"""Pages whose only parameter is the day, and their JSON and CSV twins, refuse any other
parameter with a 400 naming it, instead of a silent 200 for every stray query string."""

import pytest
from fastapi.testclient import TestClient

PAGES = [
    "/stakeholders",
    "/stakeholders/hu",
    "/sources/north-atlantic-treaty",
    "/methodology",
    "/changes",
    "/changes.atom",
]
TWINS = [
    "/api/v1/stakeholders",
    "/api/v1/stakeholders.csv",
    "/api/v1/stakeholders/hu",
    "/api/v1/sources/north-atlantic-treaty.csv",
    "/api/v1/criteria",
    "/api/v1/changes",
    "/api/v1/options/nato-membership",
    "/api/v1/options/nato-membership/timeline",
]


@pytest.mark.parametrize("path", PAGES)
def test_a_page_refuses_a_parameter_it_does_not_take(ukraine: TestClient, path: str) -> None:
    r = ukraine.get(f"{path}?sort=title")
    assert r.status_code == 400
    assert "sort: is not a parameter of this page (it takes at=)" in r.text
    assert ukraine.get(f"{path}?at=2025-03-01").status_code == 200


@pytest.mark.parametrize("path", TWINS)
def test_a_twin_refuses_a_parameter_it_does_not_take(ukraine: TestClient, path: str) -> None:
    r = ukraine.get(f"{path}?sort=title")
    assert r.status_code == 400
    assert r.json()["error"]["field"] == "sort"
    assert ukraine.get(f"{path}?at=2025-03-01").status_code == 200
