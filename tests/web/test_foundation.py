"""Layout, health, errors and security headers."""

import hashlib
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import ROOT
from tests.helpers import one, parse, position, select, text

HTMX = ROOT / "static" / "htmx-2.0.11.min.js"
# sha256 of dist/htmx.min.js in the npm package htmx.org@2.0.11 (see package-lock.json).
HTMX_SHA256 = "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717"


def test_healthz_reports_status_and_revision(client: TestClient) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"
    assert r.json()["revision"] == 1


def test_healthz_before_any_load(empty_client: TestClient) -> None:
    assert empty_client.get("/healthz").json() == {
        "status": "ok",
        "revision": None,
        "content_hash": None,
    }


def test_pages_before_any_load_explain_what_to_do(empty_client: TestClient) -> None:
    r = empty_client.get("/")
    assert r.status_code == 503
    assert "explorer load" in r.text


def test_base_layout_shows_question_navigation_and_footer(client: TestClient) -> None:
    html = client.get("/").text
    assert "<title>Riverton cycle-lane plan</title>" in html
    assert "Which cycle-lane plan should Riverton adopt?" in html
    for link in ('href="/"', 'href="/matrix"', 'href="/stakeholders"', 'href="/sources"'):
        assert link in html
    footer = text(one(html, 'footer[class="site-footer"]'))
    assert "dataset revision 1" in footer
    assert "30 June 2024" in footer and "CC0 1.0" in footer


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_unknown_path_gets_404_page_in_site_layout(client: TestClient) -> None:
    r = client.get("/no/such/page")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "There is no page at /no/such/page." in r.text
    assert '<nav aria-label="Main">' in r.text


def test_api_paths_get_json_errors(client: TestClient) -> None:
    r = client.get("/api/v1/nothing-here")
    assert r.status_code == 404
    assert r.json() == {
        "error": {
            "code": "not_found",
            "message": "There is no page at /api/v1/nothing-here.",
            "field": None,
        }
    }


@pytest.mark.parametrize(
    ("page", "api", "message"),
    [
        ("/options/nope", "/api/v1/options/nope", "There is no option called “nope”."),
        (
            "/stakeholders/nope",
            "/api/v1/stakeholders/nope",
            "There is no stakeholder called “nope”.",
        ),
        ("/sources/nope", "/api/v1/sources/nope", "There is no source with the id “nope”."),
    ],
)
def test_a_page_and_its_api_twin_say_a_missing_thing_in_one_voice(
    client: TestClient, page: str, api: str, message: str
) -> None:
    html, data = client.get(page), client.get(api)
    assert html.status_code == data.status_code == 404
    assert message in html.text.replace("&#34;", '"')
    assert data.json()["error"]["message"] == message


def test_security_headers_on_every_response(client: TestClient) -> None:
    for path in ("/", "/healthz", "/static/site.css", "/missing", "/api/v1/nothing"):
        r = client.get(path)
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_pages_have_no_inline_script_and_load_nothing_from_other_hosts(client: TestClient) -> None:
    for path in ("/", "/options/protected-lanes", "/matrix", "/sources", "/stakeholders/shops"):
        html = client.get(path).text
        doc = parse(html)
        assert all(s.has_attr("src") for s in select(doc, "script")), path
        main = position(one(doc, "main"))
        before = [e for e in select(doc, "[src], [href]") if position(e) < main]
        outside = re.compile(r"(https?:)?//")
        assert not [e for e in before for k in ("src", "href") if outside.match(e.get(k) or "")], (
            path
        )
        assert " style=" not in html, path


def test_responses_are_gzipped(client: TestClient) -> None:
    r = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip"
    r = client.get("/static/htmx-2.0.11.min.js", headers={"Accept-Encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip"


def test_vendored_htmx_matches_pinned_release() -> None:
    assert hashlib.sha256(HTMX.read_bytes()).hexdigest() == HTMX_SHA256
    assert 'version:"2.0.11"' in HTMX.read_text().replace(" ", "")
    lock = (ROOT / "package-lock.json").read_text()
    assert '"node_modules/htmx.org": {\n      "version": "2.0.11"' in lock


def test_one_stylesheet() -> None:
    assert [p.name for p in (ROOT / "static").glob("*.css")] == ["site.css"]


def test_oversized_post_gets_413(client: TestClient) -> None:
    r = client.post(
        "/c",
        content=b"o=" + b"a" * 20_000,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 413
    assert "larger than" in r.text


def test_method_not_allowed_is_not_500(client: TestClient) -> None:
    r = client.delete("/")
    assert r.status_code == 405


def test_templates_exist_for_every_page() -> None:
    names = {p.name for p in Path(ROOT / "templates").glob("*.html")}
    assert {"base.html", "error.html", "explore.html", "option.html"} <= names
