"""Every page links its JSON and CSV twins, in <head> and in a visible menu, and they work."""

import csv
import io
import re

import pytest
from fastapi.testclient import TestClient

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
    html = client.get(path).text
    head = html.split("</head>")[0]
    json_href = re.search(r'<link rel="alternate" type="application/json" href="([^"]+)"', head)
    csv_href = re.search(r'<link rel="alternate" type="text/csv" href="([^"]+)"', head)
    assert json_href and csv_href, path
    body = html.split("<main")[1]
    json_url, csv_url = (m.group(1).replace("&amp;", "&") for m in (json_href, csv_href))
    assert f'href="{json_href.group(1)}">JSON</a>' in body
    assert f'href="{csv_href.group(1)}">CSV' in body
    r = client.get(json_url)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    r = client.get(csv_url)
    assert r.status_code == 200 and r.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(r.text)))
    assert len(rows) >= 2 and len(rows[0]) >= 2
    assert "\r\n" in r.text  # RFC 4180 line endings
