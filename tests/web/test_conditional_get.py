"""Successful GETs carry an ETag and a short Cache-Control, and a matching If-None-Match gets
304: what lets a reverse proxy cache pages and revalidate them cheaply (deploy/nginx.conf)."""

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.helpers import CYCLE, load


def test_pages_have_an_etag_and_answer_304_when_it_matches(client: TestClient) -> None:
    for path in (
        "/",
        "/options/painted-lanes",
        "/api/v1/options",
        "/compare.csv?o=painted-lanes,protected-lanes",
    ):
        r = client.get(path)
        assert r.status_code == 200
        etag = r.headers["etag"]
        # Pages come from the page cache with a strong ETag (one per encoding); other answers
        # get a weak one from ConditionalGet.
        strong = not path.startswith(("/api/", "/compare.csv"))
        assert etag.startswith('"' if strong else 'W/"'), (path, etag)
        assert r.headers["cache-control"] == "public, max-age=5"
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""
        assert again.headers["etag"] == etag
        assert client.get(path, headers={"If-None-Match": 'W/"other"'}).status_code == 200


def test_what_changes_or_fails_is_not_marked_cacheable(client: TestClient) -> None:
    assert "cache-control" not in client.get("/options/nope").headers
    made = client.post("/c", data={"o": "painted-lanes,protected-lanes"}, follow_redirects=False)
    assert made.status_code == 303 and "etag" not in made.headers
    static = client.get("/static/site.css")
    assert static.status_code == 200 and "cache-control" not in static.headers


def test_a_new_revision_changes_the_etag(
    client: TestClient, engine: Engine, tmp_path: Path
) -> None:
    before = client.get("/options/painted-lanes").headers["etag"]
    changed = tmp_path / "c.yaml"
    changed.write_text(CYCLE.read_text().replace("title: Painted lanes", "title: Paint"))
    load(engine, changed)
    after = client.get("/options/painted-lanes", headers={"If-None-Match": before})
    assert after.status_code == 200 and after.headers["etag"] != before


def test_every_answer_compares_tags_the_same_weak_way(client: TestClient) -> None:
    """A proxy may send back a strong tag weakened (W/"x") or a weak one stripped, alone or in a
    list: cached pages and other answers both answer 304 to either (RFC 9110, weak comparison)."""
    for path in ("/options/painted-lanes", "/api/v1/options"):
        etag = client.get(path).headers["etag"]
        bare = etag.removeprefix("W/")
        for sent in ("W/" + bare, bare, f'"other", {etag}', "*"):
            r = client.get(path, headers={"If-None-Match": sent})
            assert r.status_code == 304, (path, sent)
