"""Each filter is one registry entry (app.state.FILTERS): the parser, the canonical URL, the
predicate, the chip, the form control and the API documentation all come from it."""

import pytest
from fastapi.testclient import TestClient

from app.state import FILTERS
from tests.helpers import parse, select


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_every_filter_has_its_control_chip_and_documentation(ukraine: TestClient) -> None:
    html = parse(ukraine.get("/").text)
    spec = ukraine.get("/api/openapi.json").json()["paths"]["/api/v1/options"]["get"]
    documented = {p["name"] for p in spec["parameters"]}
    for f in FILTERS:
        # A prefixed filter's controls are named like name="attr.<slug>".
        assert select(html, f'[name^="{f.param}"]'), f"no control for {f.param}"
        if f.prefix:
            assert f.doc["description"] in spec["description"], f.param
        else:
            assert f.param in documented, f.param


def test_a_filter_round_trips_through_url_chip_and_predicate(ukraine: TestClient) -> None:
    cases = {
        "q": ("q", "Budapest"),
        "category": ("category", "alliance"),
        "status": ("status", "proposed"),
        "attrs": ("attr.legally_binding", "true"),
        "mins": ("min.feasibility", "3"),
        "max_hurdle": ("max_hurdle", "3"),
        "stances": ("stance.hu", "oppose"),
        "veto": ("veto", "barred"),
    }
    assert set(cases) == {f.field for f in FILTERS}, "a new filter needs a case here"
    total = ukraine.get("/api/v1/options").json()["total"]
    for field, (name, value) in cases.items():
        data = ukraine.get("/api/v1/options", params={name: value}).json()
        assert data["query"] == f"{name}={value}", field  # canonical form
        assert 0 < data["count"] < total, f"{field} should narrow the list"
        page = ukraine.get(f"/?{name}={value}").text
        assert 'aria-label="Active filters"' in page and "Remove filter" in page, field
