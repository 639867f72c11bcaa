"""Whatever the query string or path, the pages answer with a clear 2xx/3xx/4xx, never a 5xx."""

from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

NAMES = [
    "q",
    "category",
    "status",
    "attr.removes_parking",
    "attr.build_time",
    "attr.nope",
    "min.safety",
    "min.cost",
    "min.",
    "max_hurdle",
    "stance.shops",
    "stance.",
    "veto",
    "sort",
    "o",
    "w",
    "assume",
    "x",
]
VALUES = st.one_of(
    st.sampled_from(
        [
            "",
            "paint",
            "kerbs",
            "true",
            "weeks",
            "3",
            "-1",
            "9",
            "support",
            "blocked",
            "-safety",
            "painted-lanes,protected-lanes",
            "safety:5",
            "safety:9,cost:x",
            "mayor:0",
            "mayor:7",
            "painted-lanes,painted-lanes",
            ",,,",
            "%00",
            "\u202e",
            "a" * 300,
        ]
    ),
    st.text(max_size=20),
)
PATHS = [
    "/",
    "/matrix",
    "/compare",
    "/compare.csv",
    "/compare.json",
    "/options/painted-lanes",
    "/stakeholders/shops",
    "/sources",
    "/api/v1/options",
    "/api/v1/stances",
]


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    path=st.sampled_from(PATHS),
    params=st.lists(st.tuples(st.sampled_from(NAMES), VALUES), max_size=6),
    htmx=st.booleans(),
)
def test_no_query_string_causes_a_server_error(
    client: TestClient, path: str, params: list[tuple[str, str]], htmx: bool
) -> None:
    headers = {"HX-Request": "true"} if htmx else {}
    r = client.get(f"{path}?{urlencode(params)}", headers=headers, follow_redirects=False)
    assert r.status_code < 500, (path, params, r.text[:300])
    if r.status_code == 400:
        # Pages answer pages; the API and the JSON downloads answer JSON, errors included.
        programs = path.startswith("/api/") or path.endswith(".json")
        assert ("json" in r.headers["content-type"]) == programs


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    slug=st.text(min_size=1, max_size=40).filter(lambda s: "/" not in s and s not in (".", ".."))
)
def test_no_path_slug_causes_a_server_error(client: TestClient, slug: str) -> None:
    from urllib.parse import quote

    for prefix in ("/options/", "/stakeholders/", "/sources/", "/c/", "/api/v1/options/"):
        r = client.get(prefix + quote(slug, safe=""), follow_redirects=False)
        assert r.status_code < 500, (prefix, slug)


def test_post_permalink_with_garbage_is_400(client: TestClient) -> None:
    for form in (
        {},
        {"o": "nope,nada"},
        {"o": "painted-lanes,protected-lanes", "w": "x:1"},
        {"o": "painted-lanes,protected-lanes", "assume": "mayor:9"},
    ):
        r = client.post("/c", data=form, follow_redirects=False)
        assert r.status_code == 400, form
