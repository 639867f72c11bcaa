"""`explorer check-sources`: link checking against mocked HTTP (pytest-httpx), no real network."""

import asyncio
import datetime as dt

import httpx
import pytest
from pytest_httpx import HTTPXMock
from sqlmodel import Session, SQLModel, select

from app.ops.linkcheck import (
    ARCHIVE_API,
    USER_AGENT,
    LinkResult,
    archive_lookup,
    check_sources,
    check_url,
    check_urls,
    summary,
)
from app.store.db import make_engine
from app.store.models import LinkCheck, Revision, Source

NO_SNAPSHOT: dict = {"archived_snapshots": {}}


def snapshot(url: str, *, scheme: str = "http") -> dict:
    return {
        "url": url,
        "archived_snapshots": {
            "closest": {
                "status": "200",
                "available": True,
                "url": f"{scheme}://web.archive.org/web/20240101000000/{url}",
                "timestamp": "20240101000000",
            }
        },
    }


def mock_archive(httpx_mock: HTTPXMock, url: str, body: dict) -> None:
    httpx_mock.add_response(url=ARCHIVE_API, match_params={"url": url}, json=body)


def check_one(url: str, **kwargs) -> LinkResult:
    [result] = asyncio.run(check_urls([url], **kwargs))
    return result


def test_200_is_ok_and_records_status_and_time(httpx_mock: HTTPXMock):
    url = "https://example.org/report"
    httpx_mock.add_response(method="HEAD", url=url, status_code=200)
    before = dt.datetime.now(dt.UTC)

    result = check_one(url)

    assert result.ok is True
    assert result.status == 200
    assert result.final_url == url
    assert result.error is None
    assert result.archive_url is None  # a live link is not looked up in the archive
    assert before <= result.checked_at <= dt.datetime.now(dt.UTC)


def test_redirect_chain_records_final_url(httpx_mock: HTTPXMock):
    start = "http://example.org/old"
    httpx_mock.add_response(
        method="HEAD", url=start, status_code=301, headers={"Location": "https://example.org/old"}
    )
    httpx_mock.add_response(
        method="HEAD",
        url="https://example.org/old",
        status_code=301,
        headers={"Location": "/new/page"},  # relative Location resolves against the current URL
    )
    httpx_mock.add_response(method="HEAD", url="https://example.org/new/page", status_code=200)

    result = check_one(start)

    assert result.ok is True
    assert result.status == 200
    assert result.url == start
    assert result.final_url == "https://example.org/new/page"


def test_404_with_archive_snapshot(httpx_mock: HTTPXMock):
    url = "https://example.org/gone"
    httpx_mock.add_response(method="HEAD", url=url, status_code=404)
    mock_archive(httpx_mock, url, snapshot(url, scheme="http"))

    result = check_one(url)

    assert result.ok is False
    assert result.status == 404
    # The snapshot address is stored, and forced to https.
    assert result.archive_url == f"https://web.archive.org/web/20240101000000/{url}"
    assert summary([result]) == "1 checked: 0 ok, 1 dead (1 archived copy found)"


@pytest.mark.parametrize("archived", [True, False])
def test_timeout_then_archive_lookup(httpx_mock: HTTPXMock, archived: bool):
    url = "https://slow.example.org/paper"
    httpx_mock.add_exception(httpx.ReadTimeout("read timed out"), method="HEAD", url=url)
    mock_archive(httpx_mock, url, snapshot(url, scheme="https") if archived else NO_SNAPSHOT)

    result = check_one(url)

    assert result.ok is False
    assert result.status is None
    assert result.error == "timeout"
    if archived:
        assert result.archive_url == f"https://web.archive.org/web/20240101000000/{url}"
    else:
        assert result.archive_url is None
    # A timeout is not retried with GET: one request to the site, one to the archive.
    assert [r.method for r in httpx_mock.get_requests(url=url)] == ["HEAD"]


def test_dead_link_without_archive_copy(httpx_mock: HTTPXMock):
    url = "https://example.org/broken"
    httpx_mock.add_response(method="HEAD", url=url, status_code=500)
    mock_archive(httpx_mock, url, NO_SNAPSHOT)

    result = check_one(url)

    assert result.ok is False
    assert result.status == 500
    assert result.archive_url is None
    assert summary([result]) == "1 checked: 0 ok, 1 dead (0 archived copies found)"


def test_too_many_redirects(httpx_mock: HTTPXMock):
    a, b = "https://example.org/a", "https://example.org/b"
    httpx_mock.add_response(
        method="HEAD", url=a, status_code=302, headers={"Location": b}, is_reusable=True
    )
    httpx_mock.add_response(
        method="HEAD", url=b, status_code=302, headers={"Location": a}, is_reusable=True
    )
    mock_archive(httpx_mock, a, NO_SNAPSHOT)

    result = check_one(a)

    assert result.ok is False
    assert result.error == "too many redirects"
    assert result.status == 302
    # The first request plus the five allowed redirects, then it gives up.
    site_requests = [r for r in httpx_mock.get_requests() if r.url.host == "example.org"]
    assert len(site_requests) == 6


def test_redirect_limit_is_configurable(httpx_mock: HTTPXMock):
    url = "https://example.org/hop0"
    for i in range(2):  # hop0 -> hop1 -> hop2 (200): two redirects
        httpx_mock.add_response(
            method="HEAD",
            url=f"https://example.org/hop{i}",
            status_code=307,
            headers={"Location": f"https://example.org/hop{i + 1}"},
            is_reusable=True,
        )
    httpx_mock.add_response(method="HEAD", url="https://example.org/hop2", status_code=200)

    async def run() -> tuple[LinkResult, LinkResult]:
        async with httpx.AsyncClient() as client:
            two = await check_url(client, url, max_redirects=2)
            one = await check_url(client, url, max_redirects=1)
            return two, one

    two, one = asyncio.run(run())

    assert two.ok is True
    assert two.final_url == "https://example.org/hop2"
    assert one.ok is False
    assert one.error == "too many redirects"
    assert one.final_url == "https://example.org/hop1"


def test_non_html_response_is_ok(httpx_mock: HTTPXMock):
    url = "https://example.org/annex.pdf"
    httpx_mock.add_response(
        method="HEAD", url=url, status_code=200, headers={"Content-Type": "application/pdf"}
    )

    result = check_one(url)

    assert result.ok is True
    assert result.status == 200
    assert result.archive_url is None


def test_head_405_falls_back_to_get(httpx_mock: HTTPXMock):
    url = "https://example.org/no-head"
    httpx_mock.add_response(method="HEAD", url=url, status_code=405)
    httpx_mock.add_response(
        method="GET",
        url=url,
        status_code=200,
        headers={"Content-Type": "application/pdf"},
        content=b"%PDF-1.7" + b"\0" * 100_000,
    )

    result = check_one(url)

    assert result.ok is True
    assert result.status == 200
    assert [r.method for r in httpx_mock.get_requests()] == ["HEAD", "GET"]


def test_head_network_error_falls_back_to_get(httpx_mock: HTTPXMock):
    url = "https://example.org/flaky-head"
    httpx_mock.add_exception(httpx.RemoteProtocolError("server hung up"), method="HEAD", url=url)
    httpx_mock.add_response(method="GET", url=url, status_code=200)

    result = check_one(url)

    assert result.ok is True
    assert result.status == 200


def test_get_fallback_reports_dead_link(httpx_mock: HTTPXMock):
    url = "https://example.org/forbidden-head"
    httpx_mock.add_response(method="HEAD", url=url, status_code=403)
    httpx_mock.add_response(method="GET", url=url, status_code=410)
    mock_archive(httpx_mock, url, NO_SNAPSHOT)

    result = check_one(url)

    assert result.ok is False
    assert result.status == 410


def test_user_agent_is_sent(httpx_mock: HTTPXMock):
    url = "https://example.org/dead"
    ua = {"User-Agent": USER_AGENT}
    httpx_mock.add_response(method="HEAD", url=url, status_code=404, match_headers=ua)
    httpx_mock.add_response(
        url=ARCHIVE_API, match_params={"url": url}, match_headers=ua, json=NO_SNAPSHOT
    )

    result = check_one(url)

    assert result.status == 404
    requests = httpx_mock.get_requests()
    assert len(requests) == 2
    assert all(r.headers["User-Agent"] == USER_AGENT for r in requests)
    assert "PolicyOptionExplorer-LinkCheck" in USER_AGENT


def test_duplicates_checked_once_in_first_seen_order(httpx_mock: HTTPXMock):
    a, b = "https://example.org/a", "https://example.org/b"
    httpx_mock.add_response(method="HEAD", url=a, status_code=200)
    httpx_mock.add_response(method="HEAD", url=b, status_code=204)

    results = asyncio.run(check_urls([a, b, a, "", b]))

    assert [(r.url, r.status) for r in results] == [(a, 200), (b, 204)]
    assert len(httpx_mock.get_requests()) == 2


def test_concurrency_is_bounded(httpx_mock: HTTPXMock):
    in_flight = 0
    peak = 0

    async def slow_ok(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.02)
        in_flight -= 1
        return httpx.Response(200)

    httpx_mock.add_callback(slow_ok, method="HEAD", is_reusable=True)
    urls = [f"https://example.org/{i}" for i in range(7)]

    results = asyncio.run(check_urls(urls, concurrency=3))

    assert all(r.ok for r in results)
    assert peak == 3


@pytest.mark.httpx_mock(assert_all_requests_were_expected=False)
def test_archive_lookup_errors_give_none(httpx_mock: HTTPXMock):
    url = "https://example.org/x"
    httpx_mock.add_response(url=ARCHIVE_API, match_params={"url": url}, status_code=503)
    httpx_mock.add_response(url=ARCHIVE_API, match_params={"url": url}, content=b"not json")
    unavailable = snapshot(url)
    unavailable["archived_snapshots"]["closest"]["available"] = False
    httpx_mock.add_response(url=ARCHIVE_API, match_params={"url": url}, json=unavailable)

    async def run() -> list[str | None]:
        async with httpx.AsyncClient() as client:
            # The fourth call finds no mocked response: httpx_mock raises, as a network error.
            return [await archive_lookup(client, url) for _ in range(4)]

    assert asyncio.run(run()) == [None, None, None, None]


def test_summary_counts():
    now = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    results = [
        LinkResult("a", 200, True, "a", None, None, now),
        LinkResult("b", 404, False, "b", None, "https://web.archive.org/b", now),
        LinkResult("c", None, False, None, "timeout", "https://web.archive.org/c", now),
        LinkResult("d", 500, False, "d", None, None, now),
    ]
    assert summary(results) == "4 checked: 1 ok, 3 dead (2 archived copies found)"
    assert summary([]) == "0 checked: 0 ok, 0 dead (0 archived copies found)"


def test_check_sources_stores_link_checks_and_keeps_revision(tmp_path, httpx_mock: HTTPXMock):
    engine = make_engine(f"sqlite:///{tmp_path}/t.db")
    SQLModel.metadata.create_all(engine)
    moved, gone, slow = (
        "https://example.org/moved",
        "https://example.org/gone",
        "https://slow.example.org/",
    )
    loaded_at = dt.datetime(2024, 5, 1, 12, 0, 0, tzinfo=dt.UTC)
    stale = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    with Session(engine) as session:
        for i, url in enumerate([moved, gone, slow, gone, None]):
            session.add(
                Source(
                    id=f"s{i}",
                    position=i,
                    title=f"Source {i}",
                    publisher="Publisher",
                    date=dt.date(2024, 1, 1),
                    url=url,
                    kind="primary",
                )
            )
        session.add(Revision(content_hash="abc", dossier_slug="x", loaded_at=loaded_at, content={}))
        # An earlier check of the same URL is replaced, not duplicated.
        session.add(LinkCheck(url=gone, status=200, ok=True, final_url=gone, checked_at=stale))
        session.commit()

    httpx_mock.add_response(
        method="HEAD", url=moved, status_code=301, headers={"Location": moved + "/here"}
    )
    httpx_mock.add_response(method="HEAD", url=moved + "/here", status_code=200)
    httpx_mock.add_response(method="HEAD", url=gone, status_code=404)
    mock_archive(httpx_mock, gone, snapshot(gone))
    httpx_mock.add_exception(httpx.ConnectTimeout("connect timed out"), method="HEAD", url=slow)
    mock_archive(httpx_mock, slow, NO_SNAPSHOT)

    results = check_sources(engine, concurrency=2, timeout=1.0)

    assert summary(results) == "3 checked: 1 ok, 2 dead (1 archived copy found)"
    with Session(engine) as session:
        rows = {row.url: row for row in session.exec(select(LinkCheck))}
        assert set(rows) == {moved, gone, slow}
        assert (rows[moved].status, rows[moved].ok, rows[moved].final_url) == (
            200,
            True,
            moved + "/here",
        )
        assert rows[moved].archive_url is None
        assert (rows[gone].status, rows[gone].ok) == (404, False)
        assert rows[gone].archive_url == f"https://web.archive.org/web/20240101000000/{gone}"
        assert rows[gone].checked_at > stale
        assert (rows[slow].status, rows[slow].error, rows[slow].archive_url) == (
            None,
            "timeout",
            None,
        )

        revisions = session.exec(select(Revision)).all()
        assert [
            (r.id, r.content_hash, r.dossier_slug, r.loaded_at, r.content) for r in revisions
        ] == [(1, "abc", "x", loaded_at, {})]
