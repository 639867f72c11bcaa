"""`explorer check-sources` fetches public addresses only, within a deadline, and publishes
nothing internal (F9, F13). HTTP is mocked with pytest-httpx, or, where connections themselves
are tested (DNS rebinding, N5), DNS and the outside internet are mocked around local
listeners; nothing leaves the machine."""

import asyncio
import ipaddress
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import anyio
import httpx
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from pytest_httpx import HTTPXMock
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.config import Settings
from app.main import create_app
from app.ops import linkcheck
from app.ops.cli import main
from app.ops.linkcheck import (
    ARCHIVE_API,
    NOT_PUBLIC,
    OUT_OF_TIME,
    LinkResult,
    check_urls,
    is_public,
)
from app.store import models as m
from tests.helpers import CYCLE, PUBLIC_ADDRESS, load

INTERNAL = [
    "http://127.0.0.1/admin",
    "http://localhost:8000/",
    "http://127.1/",
    "http://0x7f000001/",
    "http://2130706433/",
    "http://017700000001/",
    "http://0/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[64:ff9b::7f00:1]/",
    "http://[2002:7f00:1::]/",
    "http://10.0.0.5/",
    "http://172.16.3.4/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/",
    "http://[fe80::1]/",
    "http://[fc00::1]/",
    "http://240.0.0.1/",
    "http://224.0.0.1/",
]


def check(*urls: str, **kwargs) -> list[LinkResult]:
    return asyncio.run(check_urls(list(urls), **kwargs))


def test_public_addresses_are_told_apart() -> None:
    assert is_public(PUBLIC_ADDRESS)
    assert is_public("2606:2800:21f:cb07:6820:80da:af6b:8b2c")
    assert not any(is_public(a) for a in ("127.0.0.1", "::1", "10.1.1.1", "fe80::1%eth0", "::"))


@pytest.mark.parametrize("url", INTERNAL)
def test_internal_addresses_are_never_fetched_nor_sent_to_the_archive(
    httpx_mock: HTTPXMock, url: str
) -> None:
    [result] = check(url)
    assert (result.ok, result.status, result.final_url) == (False, None, None)
    assert result.error == NOT_PUBLIC
    assert result.archive_url is None
    assert httpx_mock.get_requests() == []


def test_every_address_of_a_host_must_be_public(
    httpx_mock: HTTPXMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def split_horizon(host: str, port: int) -> list[str]:
        return [PUBLIC_ADDRESS, "10.0.0.7"]

    monkeypatch.setattr(linkcheck, "resolve", split_horizon)
    [result] = check("https://mixed.example.net/")
    assert result.error == NOT_PUBLIC
    assert httpx_mock.get_requests() == []


@pytest.mark.parametrize(
    "target", ["http://127.0.0.1:8000/admin", "http://[::1]/", "http://169.254.169.254/"]
)
def test_redirects_into_internal_addresses_are_not_followed(
    httpx_mock: HTTPXMock, target: str
) -> None:
    url = "https://example.org/moved"
    httpx_mock.add_response(method="HEAD", url=url, status_code=302, headers={"Location": target})
    [result] = check(url)
    assert (result.ok, result.error, result.final_url) == (False, NOT_PUBLIC, None)
    assert target not in repr(result)
    assert [str(r.url) for r in httpx_mock.get_requests()] == [url]  # no archive lookup either


@pytest.mark.parametrize("url", ["ftp://example.org/x", "file:///etc/passwd", "gopher://x/"])
def test_only_http_and_https_are_fetched(httpx_mock: HTTPXMock, url: str) -> None:
    [result] = check(url)
    assert result.error == "not an http or https URL"
    assert httpx_mock.get_requests() == []


@pytest.mark.httpx_mock(assert_all_responses_were_requested=False)
@pytest.mark.parametrize(
    ("exc", "phrase"),
    [
        (httpx.ConnectError("[Errno 111] Connection refused: 10.9.8.7:8080"), "connection failed"),
        (httpx.RemoteProtocolError("illegal header from internal-proxy.corp"), "protocol error"),
        (httpx.ReadError("reset by db01.internal"), "request failed"),
    ],
)
def test_errors_are_recorded_as_fixed_phrases(
    httpx_mock: HTTPXMock, exc: Exception, phrase: str
) -> None:
    url = "https://example.org/flaky"
    httpx_mock.add_exception(exc, url=url, is_reusable=True)
    httpx_mock.add_response(url=ARCHIVE_API, match_params={"url": url}, json={})
    [result] = check(url)
    assert result.error == phrase


@pytest.mark.parametrize(
    "snapshot",
    [
        "javascript:alert(document.domain)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://web.archive.org/x",
        "//evil.example/x",
    ],
)
def test_archive_answers_other_than_http_are_ignored(httpx_mock: HTTPXMock, snapshot: str) -> None:
    url = "https://example.org/gone"
    httpx_mock.add_response(method="HEAD", url=url, status_code=404)
    closest = {"available": True, "status": "200", "url": snapshot}
    httpx_mock.add_response(
        url=ARCHIVE_API,
        match_params={"url": url},
        json={"archived_snapshots": {"closest": closest}},
    )
    [result] = check(url)
    assert result.status == 404
    assert result.archive_url is None


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
@pytest.mark.httpx_mock(assert_all_requests_were_expected=False)
def test_the_whole_run_has_a_deadline(httpx_mock: HTTPXMock) -> None:
    async def never_answers(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(60)
        return httpx.Response(200)

    fast, slow = "https://example.org/fast", "https://slow.example.org/tarpit"
    httpx_mock.add_response(method="HEAD", url=fast, status_code=200)
    httpx_mock.add_callback(never_answers, url=slow, is_reusable=True)
    start = time.monotonic()
    results = check(fast, slow, deadline=0.5, timeout=30)
    assert time.monotonic() - start < 5
    assert [(r.url, r.ok, r.error) for r in results] == [
        (fast, True, None),
        (slow, False, OUT_OF_TIME),
    ]


def test_sources_page_shows_no_internal_detail(
    engine: Engine, migrated: Settings, tmp_path, httpx_mock: HTTPXMock
) -> None:
    internal = "http://127.0.0.1:6379/"
    dataset = tmp_path / "internal.yaml"
    dataset.write_text(
        CYCLE.read_text(encoding="utf-8").replace(
            "https://example.org/riverton/traffic-study", internal
        ),
        encoding="utf-8",
    )
    load(engine, dataset)
    out = CliRunner().invoke(main, ["check-sources", "--deadline", "30"]).output
    assert f"dead: {internal}: {NOT_PUBLIC}" in out
    assert httpx_mock.get_requests() == []
    with Session(engine) as session:
        row = session.get(m.LinkCheck, internal)
        assert row is not None and (row.final_url, row.archive_url) == (None, None)
    with TestClient(create_app(migrated)) as client:
        html = client.get("/sources").text
    assert f"({NOT_PUBLIC})" in html
    assert "Errno" not in html and "Connect" not in html


class _Listener(ThreadingHTTPServer):
    """A local web server that notes every request (method, Host) and answers 200, or a
    redirect to `location`."""

    def __init__(self, location: str | None = None, tls: ssl.SSLContext | None = None) -> None:
        self.seen: list[tuple[str, str | None]] = []
        self.server_names: list[str | None] = []  # TLS SNI
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_HEAD(self) -> None:
                listener.seen.append((self.command, self.headers.get("Host")))
                self.send_response(302 if location else 200)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_HEAD

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        if tls is not None:
            tls.sni_callback = lambda _sock, name, _ctx: self.server_names.append(name)
            self.socket = tls.wrap_socket(self.socket, server_side=True)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.shutdown()
        self.server_close()


@pytest.fixture
def internal() -> Iterator[_Listener]:
    """A server on the machine's own loopback, which check-sources must never reach."""
    server = _Listener()
    yield server
    server.close()


def _dns(monkeypatch: pytest.MonkeyPatch, answers: dict[str, list[str]]) -> None:
    """socket.getaddrinfo, which every lookup ends in, answers each name the next address in
    its list (the last one from then on), as a name with a zero TTL may; no other name."""

    def lookup(host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
        name = host.decode() if isinstance(host, bytes) else host  # anyio passes IDNA bytes
        if name not in answers:
            raise socket.gaierror(socket.EAI_NONAME, "offline")
        queue = answers[name]
        address = queue.pop(0) if len(queue) > 1 else queue[0]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port)))]

    monkeypatch.setattr(socket, "getaddrinfo", lookup)


def _mock_internet(monkeypatch: pytest.MonkeyPatch, outside: _Listener) -> list[str]:
    """The outside internet, mocked where httpcore opens connections (anyio.connect_tcp):
    `outside` serves PUBLIC_ADDRESS. A name is looked up first, as anyio does. Returns the
    addresses dialled."""
    connect_tcp = anyio.connect_tcp
    dialled: list[str] = []

    async def internet(remote_host, remote_port, **kwargs):  # type: ignore[no-untyped-def]
        host = str(remote_host)
        try:
            ipaddress.ip_address(host)
        except ValueError:
            host = socket.getaddrinfo(host, remote_port)[0][4][0]
        dialled.append(host)
        if host == PUBLIC_ADDRESS:
            return await connect_tcp("127.0.0.1", outside.server_port, **kwargs)
        return await connect_tcp(host, remote_port, **kwargs)

    monkeypatch.setattr(anyio, "connect_tcp", internet)
    return dialled


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_a_rebinding_name_never_reaches_an_internal_address(
    monkeypatch: pytest.MonkeyPatch, internal: _Listener
) -> None:
    """N5: a name with a zero TTL answers a public address to the check, then 127.0.0.1.
    Before, httpx looked the name up again to connect, and reached the local listener."""
    _dns(monkeypatch, {"rebind.test": [PUBLIC_ADDRESS, "127.0.0.1"]})
    outside = _Listener()
    dialled = _mock_internet(monkeypatch, outside)
    try:
        [result] = check(f"http://rebind.test:{internal.server_port}/", timeout=5, deadline=20)
    finally:
        outside.close()
    assert internal.seen == [], "the check passed a public address, the request went inward"
    assert (result.ok, result.error) == (False, NOT_PUBLIC)
    assert dialled == [] and outside.seen == []


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_a_connection_goes_to_the_address_it_checked_and_names_the_host(
    monkeypatch: pytest.MonkeyPatch, internal: _Listener
) -> None:
    """The connection's own lookup is the last one: it dials that address, not the name
    (which would be looked up once more, and answer 127.0.0.1 here)."""
    _dns(monkeypatch, {"rebind.test": [PUBLIC_ADDRESS, PUBLIC_ADDRESS, "127.0.0.1"]})
    outside = _Listener()
    dialled = _mock_internet(monkeypatch, outside)
    port = internal.server_port
    try:
        [result] = check(f"http://rebind.test:{port}/", timeout=5, deadline=20)
    finally:
        outside.close()
    assert internal.seen == []
    assert dialled == [PUBLIC_ADDRESS]
    assert outside.seen == [("HEAD", f"rebind.test:{port}")]  # the Host header is the name's
    assert (result.ok, result.status) == (True, 200)


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_every_redirect_hop_connects_to_the_address_it_checked(
    monkeypatch: pytest.MonkeyPatch, internal: _Listener
) -> None:
    """A public page redirects to a rebinding name: that hop is checked when connecting too."""
    port = internal.server_port
    _dns(
        monkeypatch,
        {"start.test": [PUBLIC_ADDRESS], "rebind.test": [PUBLIC_ADDRESS, "127.0.0.1"]},
    )
    outside = _Listener(location=f"http://rebind.test:{port}/inside")
    _mock_internet(monkeypatch, outside)
    try:
        [result] = check(f"http://start.test:{port}/", timeout=5, deadline=20)
    finally:
        outside.close()
    assert internal.seen == []
    assert len(outside.seen) == 1  # the redirect itself
    assert (result.ok, result.error) == (False, NOT_PUBLIC)


# Makes a certificate with openssl and serves TLS: `make test` runs it.
@pytest.mark.slow
@pytest.mark.parametrize("certified", ["rebind.test", "elsewhere.test"])
def test_tls_names_the_host_and_checks_its_certificate(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, certified: str
) -> None:
    """The connection dials an address, yet TLS sends the URL's host name (SNI) and checks
    the certificate against it: a certificate for another name fails."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    new_key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    files = ["-keyout", str(key), "-out", str(cert), "-days", "1"]
    subject = ["-subj", f"/CN={certified}", "-addext", f"subjectAltName=DNS:{certified}"]
    subprocess.run(
        ["openssl", "req", "-x509", *new_key, *files, *subject], check=True, capture_output=True
    )
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the one trusted certificate
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    _dns(monkeypatch, {"rebind.test": [PUBLIC_ADDRESS]})
    outside = _Listener(tls=tls)
    dialled = _mock_internet(monkeypatch, outside)
    port = outside.server_port
    try:
        [result] = check(f"https://rebind.test:{port}/", timeout=5, deadline=20)
    finally:
        outside.close()
    assert dialled[0] == PUBLIC_ADDRESS
    assert outside.server_names[0] == "rebind.test"
    if certified == "rebind.test":
        assert (result.ok, result.status) == (True, 200)
        assert outside.seen == [("HEAD", f"rebind.test:{port}")]
    else:
        assert (result.ok, result.error) == (False, "connection failed")
        assert outside.seen == []
