"""A weight change of a comparison seen before is answered by the page cache's front, before
FastAPI's routing (app.web.compare.early). A reader must not be able to tell: every answer,
its status, headers and bytes, is the one the route gives, whatever the request."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.config import Settings
from app.main import create_app
from tests.helpers import CYCLE, load

HX = {"HX-Request": "true"}
PAGE = "/compare?o=protected-lanes,painted-lanes,no-change"
URLS = [
    f"{PAGE}&w=cost:5,safety:0",  # canonical, weights never asked before
    f"{PAGE}&w=cost:1",
    f"{PAGE}&w=safety:0,cost:3",  # not canonical: a redirect
    f"{PAGE}&w=cost:9",  # out of range: 400
    f"{PAGE}&w=cost:5&at=2024-06-01",  # a past day: the route's thread
    "/compare?o=protected-lanes",  # the picker
    "/compare?o=protected-lanes,nope",  # unknown option: 400
    f"{PAGE}&w=cost:2&assume=nope:1",
]
SKIP = {"date", "x-request-id"}


@pytest.fixture
def polled(engine: Engine, migrated: Settings) -> Iterator[TestClient]:
    """The app as served: the dataset's revision is polled now and then, not on every request
    (the tests' other apps poll every time), so a kept site answers on the event loop."""
    load(engine, CYCLE)
    with TestClient(create_app(migrated.model_copy(update={"revision_poll_seconds": 60}))) as c:
        yield c


def answers(client: TestClient) -> list[tuple[str, int, list[tuple[str, str]], bytes]]:
    client.app.state.page_cache.entries.clear()  # type: ignore[attr-defined]
    client.get(PAGE)  # the comparison is seen before: its fixed part is kept
    out = []
    for url in URLS:
        for headers in ({}, HX, {**HX, "Accept-Encoding": "gzip"}, {"If-None-Match": "*"}):
            r = client.get(url, headers=headers, follow_redirects=False)
            kept = [(k, v) for k, v in r.headers.multi_items() if k not in SKIP]
            out.append((f"{url} {headers}", r.status_code, kept, r.content))
    return out


@pytest.mark.slow
def test_an_early_answer_is_the_routes_answer(polled: TestClient) -> None:
    early = answers(polled)
    polled.app.state.early = {}  # type: ignore[attr-defined]
    routed = answers(polled)
    assert len(early) == len(routed) == 4 * len(URLS)
    for mine, theirs in zip(early, routed, strict=True):
        assert mine == theirs, mine[0]
    assert {status for _, status, _, _ in early} >= {200, 302, 304, 400}


def test_a_weight_change_is_answered_before_routing(polled: TestClient) -> None:
    client = polled
    client.get(PAGE)
    app = client.app
    routes = app.router.routes  # type: ignore[attr-defined]
    app.router.routes = []  # type: ignore[attr-defined]  # no route can answer now
    try:
        r = client.get(f"{PAGE}&w=cost:4", headers=HX)
        assert r.status_code == 200 and "Weighted ranking" in r.text
        r = client.get(f"{PAGE}&w=cost:4&at=2024-06-01", headers=HX)
        assert r.status_code == 404  # a past day needs the route
    finally:
        app.router.routes = routes  # type: ignore[attr-defined]
