"""Every page links its JSON and CSV twins, in <head> and in a visible menu, and they work."""

import csv
import io

import pytest
from fastapi.testclient import TestClient

from tests.helpers import attr, one, parse, position, select, text

PAGES = [
    "/",
    "/?category=kerbs",
    "/options/protected-lanes",
    "/stakeholders",
    "/stakeholders/shops",
    "/matrix",
    "/sources",
    "/sources/traffic-study",
    "/compare?o=painted-lanes,protected-lanes",
]


@pytest.mark.parametrize("path", PAGES)
def test_page_links_working_json_and_csv_alternates(client: TestClient, path: str) -> None:
    doc = parse(client.get(path).text)
    head = one(doc, "head")
    json_url = attr(one(head, 'link[rel="alternate"][type="application/json"]'), "href")
    csv_url = attr(one(head, 'link[rel="alternate"][type="text/csv"]'), "href")
    # The links in the page, from <main> on.
    main = position(one(doc, "main"))
    body = [(text(a), attr(a, "href")) for a in select(doc, "a[href]") if position(a) > main]
    assert ("JSON", json_url) in body
    assert any(t.startswith("CSV") and h == csv_url for t, h in body)
    r = client.get(json_url)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    r = client.get(csv_url)
    assert r.status_code == 200 and r.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(r.text)))
    assert len(rows) >= 2 and len(rows[0]) >= 2
    assert "\r\n" in r.text  # RFC 4180 line endings


def test_a_json_download_answers_its_errors_in_json(client: TestClient) -> None:
    # A program reading /compare.json or a permanent link's JSON gets an error it can read.
    for url, status, field in (
        ("/compare.json?o=protected-lanes,bogus", 400, "o"),
        ("/c/nosuchlink.json", 404, "code"),
    ):
        r = client.get(url)
        assert r.status_code == status, url
        assert r.headers["content-type"] == "application/json", url
        error = r.json()["error"]
        assert error["message"] and error["field"] == field, url
    # The page itself still answers a reader with a page.
    r = client.get("/compare?o=protected-lanes,bogus")
    assert r.status_code == 400 and r.headers["content-type"].startswith("text/html")
