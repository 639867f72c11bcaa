"""`explorer serve` faces the internet guarded: capped request heads, slow heads closed (F8)."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.config import Settings
from app.ops.cli import migrate
from app.store.db import make_engine
from tests.browser.conftest import _free_port
from tests.helpers import CYCLE, load

# Starts servers or processes: `make check` leaves it to `make test`.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    settings = Settings(database_url=f"sqlite:///{tmp_path_factory.mktemp('serve')}/x.db")
    migrate(settings)
    engine = make_engine(settings.database_url)
    load(engine, CYCLE)
    engine.dispose()
    port = _free_port()
    env = {**os.environ, "APP_DATABASE_URL": settings.database_url}
    explorer = Path(sys.executable).with_name("explorer")
    proc = subprocess.Popen(
        [str(explorer), "serve", "--port", str(port), "--header-timeout", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not start")
        yield "127.0.0.1", port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _exchange(address: tuple[str, int], data: bytes, wait: float = 5.0) -> bytes:
    """Send raw bytes; return what the server answers before it closes (or `wait` passes)."""
    received = b""
    with socket.create_connection(address, timeout=wait) as sock:
        try:
            sock.sendall(data)
            while chunk := sock.recv(65536):
                received += chunk
        except TimeoutError:
            return received + b"<still open>"
        except (ConnectionResetError, BrokenPipeError):
            return received + b"<reset>"  # closed while we were still sending
    return received


@pytest.mark.parametrize("size", [20_000, 1_000_000])
def test_a_huge_header_is_refused(served: tuple[str, int], size: int) -> None:
    head = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * size + b"\r\n\r\n"
    answer = _exchange(served, head)
    assert answer.startswith(b"HTTP/1.1 431") or answer.endswith(b"<reset>"), answer[:100]
    assert b"200 OK" not in answer and b"<still open>" not in answer
    # A normal head is fine, and the server is still there.
    ok = _exchange(served, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert ok.startswith(b"HTTP/1.1 200")


def test_a_head_that_never_ends_is_closed(served: tuple[str, int]) -> None:
    start = time.monotonic()
    answer = _exchange(served, b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ", wait=8)
    assert b"<still open>" not in answer
    assert time.monotonic() - start < 5
    # So is a connection that never sends anything.
    start = time.monotonic()
    assert b"<still open>" not in _exchange(served, b"", wait=8)
    assert time.monotonic() - start < 5


def test_head_requests_and_forms_over_real_http(served: tuple[str, int]) -> None:
    host, port = served
    form = {"o": "painted-lanes,protected-lanes", "w": "safety:5"}
    created = httpx.post(f"http://{host}:{port}/c", data=form)
    assert created.status_code == 303
    r = httpx.head(f"http://{host}:{port}/")
    assert r.status_code == 200
    assert r.content == b""
    assert int(r.headers["content-length"]) > 1000
