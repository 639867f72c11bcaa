"""One JSON access-log line per request, with a request id also sent as X-Request-ID; Prometheus
metrics at /metrics when APP_METRICS is on."""

import json
import logging
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.config import Settings
from app.main import create_app
from app.ops import server
from tests.helpers import CYCLE, load

PAIR = "painted-lanes,protected-lanes"


def _lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "explorer.access"]


def test_one_json_line_per_request_with_the_request_id(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="explorer.access")
    page = client.get(f"/compare?o={PAIR}")
    missing = client.get("/options/nope")
    made = client.post("/c", data={"o": PAIR}, follow_redirects=False)
    lines = _lines(caplog)
    assert [(x["method"], x["route"], x["status"]) for x in lines] == [
        ("GET", "/compare", 200),
        ("GET", "/options/{slug}", 404),
        ("POST", "/c", 303),
    ]
    ids = [r.headers["x-request-id"] for r in (page, missing, made)]
    assert [x["request_id"] for x in lines] == ids
    assert len(set(ids)) == 3 and all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)
    first = lines[0]
    assert first["path"] == "/compare" and first["query"] == f"o={PAIR}"
    assert first["client"] == "testclient"
    assert first["bytes"] > 0
    assert isinstance(first["duration_ms"], float)


def test_lean_log_records_write_the_same_access_line(
    client: TestClient, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`explorer serve` makes log records without thread, process or caller (cheaper on every
    request): the access line a reader's request leaves is the same."""
    for flag in ("logThreads", "logProcesses", "logMultiprocessing", "_srcfile"):
        monkeypatch.setattr(logging, flag, getattr(logging, flag))  # put back after the test
    server.lean_log_records()
    caplog.set_level(logging.INFO, logger="explorer.access")
    r = client.get(f"/compare?o={PAIR}&w=safety:5", follow_redirects=False)
    [line] = _lines(caplog)
    assert line["request_id"] == r.headers["x-request-id"]
    assert (line["route"], line["status"], line["query"]) == (
        "/compare",
        200,
        f"o={PAIR}&w=safety:5",
    )
    record = next(r for r in caplog.records if r.name == "explorer.access")
    assert record.threadName is None and record.process is None
    assert record.funcName == "(unknown function)"  # the caller was not looked for


def test_a_client_cannot_choose_its_request_id(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="explorer.access")
    r = client.get("/healthz", headers={"X-Request-ID": "forged-0123456789"})
    assert r.headers["x-request-id"] != "forged-0123456789"


def test_a_server_error_has_a_request_id_too(
    engine: Engine, migrated: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="explorer.access")
    app = create_app(migrated)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("boom")

    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/boom")
    assert r.status_code == 500
    (line,) = _lines(caplog)
    assert line["status"] == 500 and line["request_id"] == r.headers["x-request-id"]


def test_metrics_are_off_by_default(client: TestClient) -> None:
    assert client.get("/metrics").status_code == 404


def _value(text: str, name: str, **labels: str) -> float:
    want = ",".join(f'{k}="{v}"' for k, v in labels.items())
    for line in text.splitlines():
        if line.startswith(f"{name}{{{want}}} ") or (not labels and line.startswith(f"{name} ")):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_metrics_count_requests_latency_cache_and_permalinks(
    engine: Engine, migrated: Settings
) -> None:
    load(engine, CYCLE)
    with TestClient(create_app(migrated.model_copy(update={"metrics": True}))) as c:
        before = c.get("/metrics").text
        for _ in range(3):
            assert c.get(f"/compare?o={PAIR}").status_code == 200
        assert c.post("/c", data={"o": PAIR, "w": "safety:4"}).status_code == 200
        assert c.post("/c", data={"o": PAIR, "w": "safety:4"}).status_code == 200  # same link
        r = c.get("/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    text = r.text

    def delta(name: str, **labels: str) -> float:
        return _value(text, name, **labels) - _value(before, name, **labels)

    get = {"method": "GET", "route": "/compare"}
    assert delta("explorer_http_requests_total", **get, status="200") == 3
    assert delta("explorer_http_request_duration_seconds_count", **get) == 3
    # The second and third /compare, and the permalink page after its second POST.
    assert delta("explorer_page_cache_lookups_total", result="hit") >= 3
    assert delta("explorer_permalinks_created_total") == 1


def test_odd_methods_get_501_and_no_metric_series_of_their_own(
    engine: Engine, migrated: Settings
) -> None:
    """N2: every method name used to become series of its own (1,000 made /metrics 159 MB).
    A method HTTP does not define gets 501 before routing, counted as "other"."""
    load(engine, CYCLE)
    with TestClient(create_app(migrated.model_copy(update={"metrics": True}))) as c:
        before = c.get("/metrics").text
        for i in range(200):
            r = c.request(f"ODD{i:04d}", ("/", "/compare", "/c", "/api/v1/options")[i % 4])
            assert r.status_code == 501, r.text
            assert r.headers["allow"] == "GET, HEAD, POST"
            assert r.headers["x-content-type-options"] == "nosniff"
            assert len(r.content) < 500
        page = c.request("PROPFIND", "/options/painted-lanes")
        api = c.request("PROPFIND", "/api/v1/options")
        # A method HTTP defines, which the route does not take: the router's 405.
        put = c.put("/compare")
        after = c.get("/metrics").text
    assert "does not know that request method" in page.text
    assert api.json()["error"]["code"] == "not_implemented"
    assert put.status_code == 405 and put.headers["allow"] == "GET, HEAD"
    assert "ODD0" not in after and "PROPFIND" not in after
    new = set(after.splitlines()) - set(before.splitlines())
    odd = {"method": "other", "route": "unmatched", "status": "501"}
    assert _value(after, "explorer_http_requests_total", **odd) == 202
    put_405 = {"method": "PUT", "route": "/compare", "status": "405"}
    assert _value(after, "explorer_http_requests_total", **put_405) == 1
    # Three new series, whatever the number of methods: the 501s, the PUT, the GET /metrics.
    assert len(new) < 100, len(new)
    assert len(after) - len(before) < 10_000
