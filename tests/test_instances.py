"""Several server processes on one database, over real HTTP: what must be shared lives in the
database (permalinks, rate-limit counters, the dataset revision), each process keeps its own
page cache keyed by revision. Runs on SQLite and, in the PostgreSQL run, on PostgreSQL."""

import os
import re
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine

from app.config import Settings
from tests.helpers import CYCLE, load
from tests.servers import EXPLORER, ROOT, Server

# Starts servers or processes: `make check` leaves it to `make test`.
pytestmark = pytest.mark.slow

PAIR = "painted-lanes,protected-lanes"
# Windows start at multiples of their length since the epoch: one of 10^9 s is not crossed
# while a test runs (2001 to 2033).
LIMITED = {
    "APP_PERMALINK_RATE_LIMIT": "5",
    "APP_PERMALINK_RATE_WINDOW": "1000000000",
    # Two instances of one site share the address readers use, as a deployment sets it.
    "APP_PUBLIC_URL": "https://explorer.example",
}


@pytest.fixture
def pair(engine: Engine, migrated: Settings) -> Iterator[tuple[Server, Server]]:
    load(engine, CYCLE)
    with (
        Server(migrated.database_url, env=LIMITED) as a,
        Server(migrated.database_url, env=LIMITED) as b,
    ):
        yield a, b


def _create(base: str, weights: str) -> httpx.Response:
    return httpx.post(f"{base}/c", data={"o": PAIR, "w": weights}, follow_redirects=False)


def test_a_permalink_made_on_one_opens_on_the_other(pair: tuple[Server, Server]) -> None:
    a, b = pair
    made = _create(a.base, "safety:5")
    assert made.status_code == 303
    code = made.headers["location"]
    on_a, on_b = httpx.get(a.base + code), httpx.get(b.base + code)
    assert on_a.status_code == on_b.status_code == 200
    assert on_a.text == on_b.text
    assert httpx.get(f"{b.base}{code}.json").json() == httpx.get(f"{a.base}{code}.json").json()


def test_the_rate_limit_counts_across_both(pair: tuple[Server, Server]) -> None:
    a, b = pair
    codes = [_create((a, b)[i % 2].base, f"safety:{i}").status_code for i in range(8)]
    assert codes == [303] * 5 + [429] * 3
    # A forged X-Forwarded-For from an untrusted peer (loopback included) changes nothing.
    forged = httpx.post(
        f"{b.base}/c", data={"o": PAIR}, headers={"X-Forwarded-For": "198.51.100.7"}
    )
    assert forged.status_code == 429


def test_a_load_through_the_cli_shows_on_both_within_a_second(
    pair: tuple[Server, Server], migrated: Settings, tmp_path: Path
) -> None:
    a, b = pair
    title = "Painted lanes"
    for s in (a, b):  # both have built and cached the first revision's pages
        assert title in httpx.get(f"{s.base}/options/painted-lanes").text
    changed = tmp_path / "cycle-lanes.yaml"
    changed.write_text(CYCLE.read_text().replace(f"title: {title}", "title: Painted bike lanes"))
    env = {**os.environ, "APP_DATABASE_URL": migrated.database_url}
    done = subprocess.run(
        [str(EXPLORER), "load", str(changed)], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    loaded = time.monotonic()
    seen: dict[str, float] = {}
    while len(seen) < 2 and time.monotonic() - loaded < 5:
        for s in (a, b):
            if s.base not in seen:
                page = httpx.get(f"{s.base}/options/painted-lanes").text
                if "Painted bike lanes" in page:
                    seen[s.base] = time.monotonic() - loaded
                    assert httpx.get(f"{s.base}/api/v1/revision").json()["revision"] == 2
        time.sleep(0.05)
    assert len(seen) == 2 and max(seen.values()) < 1.0, seen


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_workers_share_the_limit_and_add_up_their_metrics(
    engine: Engine, migrated: Settings
) -> None:
    load(engine, CYCLE)
    env = {**LIMITED, "APP_METRICS": "true"}
    with Server(migrated.database_url, "--workers", "2", env=env) as s:
        assert s.proc is not None
        workers = [p for p in _children(s.proc.pid) if "spawn" in _cmdline(p)]
        assert len(workers) == 2, _children(s.proc.pid)
        # New connections each time, so both workers answer some of them.
        codes = [_create(s.base, f"safety:{i}").status_code for i in range(8)]
        assert codes == [303] * 5 + [429] * 3
        for _ in range(20):
            assert httpx.get(f"{s.base}/compare?o={PAIR}").status_code == 200
        metrics = httpx.get(f"{s.base}/metrics").text
    total = re.search(
        r'explorer_http_requests_total\{method="GET",route="/compare",status="200"\} (\S+)',
        metrics,
    )
    assert total and float(total.group(1)) == 20
    created = re.search(r"^explorer_permalinks_created_total (\S+)$", metrics, re.M)
    assert created and float(created.group(1)) == 5


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
    except OSError:
        return ""


def test_make_run_serves_the_configured_database(db_url: str) -> None:
    """`make run` migrates, loads and serves whatever APP_DATABASE_URL names (PostgreSQL in
    the PostgreSQL run)."""
    server = Server(db_url, command=["make", "--no-print-directory", "run"])
    server.env["PORT"] = str(server.port)
    with server:
        health = httpx.get(f"{server.base}/healthz").json()
        assert health["revision"] == 1
        assert httpx.get(f"{server.base}/options/nato-membership").status_code == 200
    assert (ROOT / "Makefile").exists()


def test_make_run_restarted_keeps_a_newer_revision_and_links_to_its_port(
    db_url: str, tmp_path: Path
) -> None:
    """Issue 19.9: restarting `make run` used to reload the bundled file over a revision loaded
    after it (a rollback shown as an update), and links said port 8000 whatever the port."""

    def make_run() -> Server:
        server = Server(db_url, command=["make", "--no-print-directory", "run"])
        server.env["PORT"] = str(server.port)
        server.env.pop("APP_PUBLIC_URL", None)
        return server

    with make_run() as first:
        assert httpx.get(f"{first.base}/healthz").json()["revision"] == 1
    bundled = Settings().default_dataset.read_text(encoding="utf-8")
    newer = tmp_path / "newer.yaml"
    newer.write_text(re.sub(r"(?m)^(  as_of: ).*$", r"\g<1>2026-11-30", bundled, count=1))
    loaded = subprocess.run(
        [str(EXPLORER), "load", str(newer), "--note", "Facts to 30 November"],
        env=first.env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "as revision 2" in loaded.stdout
    server = make_run()
    with server:
        assert httpx.get(f"{server.base}/healthz").json()["revision"] == 2
        page = httpx.get(f"{server.base}/options/nato-membership").text
        assert "30 November 2026" in page
        assert f'value="{server.base}/options/nato-membership"' in page
        assert "http://127.0.0.1:8000" not in page
        feed = httpx.get(f"{server.base}/changes.atom").text
        assert f'xml:base="{server.base}/"' in feed
        log = server.output()
    assert "newer than this file" in log and "not loaded" in log
    assert f"links (share, embed, citations, feed) use {server.base}" in log


def test_odd_methods_over_real_http_add_no_metric_series(
    engine: Engine, migrated: Settings
) -> None:
    """N2, as the re-test sent it: with APP_METRICS on, every method name used to become
    series of its own in /metrics. Now a method HTTP does not define gets 501."""
    load(engine, CYCLE)
    with Server(migrated.database_url, env={"APP_METRICS": "true"}) as s, httpx.Client() as c:
        before = c.get(f"{s.base}/metrics").text
        codes = {c.request(f"ODD{i:04d}", f"{s.base}/").status_code for i in range(300)}
        # Methods are case-sensitive: a lowercase "get" is not GET (httpx sends upper case).
        with socket.create_connection(("127.0.0.1", s.port), timeout=10) as sock:
            sock.sendall(b"get /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            lowercase = sock.recv(65536)
        after = c.get(f"{s.base}/metrics").text
    assert codes == {501}
    assert lowercase.startswith(b"HTTP/1.1 501")
    assert "ODD0" not in after and 'method="get"' not in after
    assert re.search(r'method="other",route="unmatched",status="501"\} 301\.0', after), after
    assert len(after) - len(before) < 10_000
