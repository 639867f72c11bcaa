"""Creating permanent links is rate-limited per client, in the database, so every process counts
the same hits (F7); reading never is. Clients are told apart by their own address, or by
X-Forwarded-For only when a trusted proxy sent it. Cross-site form posts are refused."""

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from app.config import Settings
from app.main import create_app
from app.store import models as m
from app.web.middleware import rate_limit
from app.web.middleware.client_address import ClientAddress
from tests.helpers import CYCLE, load

PAIR = "painted-lanes,protected-lanes"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The rate limit's clock, 15 s into a window; tests move it by changing clock[0]."""
    t = [1_800_000_015.0]
    monkeypatch.setattr(rate_limit, "now", lambda: t[0])
    return t


@contextmanager
def _apps(migrated: Settings, n: int, **update: object) -> Iterator[list[TestClient]]:
    settings = migrated.model_copy(update={"permalink_rate_limit": 3, **update})
    with ExitStack() as stack:
        yield [stack.enter_context(TestClient(create_app(settings))) for _ in range(n)]


def _post(client: TestClient, i: int, **headers: str) -> int:
    form = {"o": PAIR, "w": f"safety:{i % 6},cost:{i // 6 % 6}"}
    return client.post("/c", data=form, headers=headers, follow_redirects=False).status_code


def test_too_many_permalinks_get_429_with_retry_after(
    engine: Engine, migrated: Settings, clock: list[float]
) -> None:
    load(engine, CYCLE)
    with _apps(migrated, 1) as (client,):
        forms = [{"o": PAIR, "w": f"safety:{i}"} for i in range(5)]
        codes = [client.post("/c", data=f, follow_redirects=False).status_code for f in forms]
        assert codes == [303, 303, 303, 429, 429]
        r = client.post("/c", data=forms[0], follow_redirects=False)
        assert r.status_code == 429
        assert int(r.headers["retry-after"]) == 45  # the window (60 s) ends 45 s from now
        assert "at most 3 per 60 seconds" in r.text
        # Reading is never limited.
        assert all(client.get(f"/compare?o={PAIR}").status_code == 200 for _ in range(10))
        # The next window starts afresh.
        clock[0] += 45
        assert _post(client, 7) == 303
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(m.Permalink)).one() == 4
        # Old windows are deleted when a new one starts.
        windows = session.exec(select(m.RateLimit.window)).all()
        assert windows == [1_800_000_060]


def test_the_limit_counts_across_processes(
    engine: Engine, migrated: Settings, clock: list[float]
) -> None:
    """Two apps on one database, like two workers or two instances: 3 in all, not 3 each.
    (Before, each process kept its own counters: with 2 workers 38 of 60 got through.)"""
    load(engine, CYCLE)
    with _apps(migrated, 2) as (a, b):
        codes = [_post((a, b)[i % 2], i) for i in range(6)]
        assert codes == [303, 303, 303, 429, 429, 429]


def test_forwarded_for_counts_only_from_trusted_proxies(
    engine: Engine, migrated: Settings, clock: list[float]
) -> None:
    load(engine, CYCLE)
    # TestClient's peer is "testclient"; nothing is trusted by default, loopback included.
    with _apps(migrated, 1) as (client,):
        codes = [_post(client, i, **{"X-Forwarded-For": f"198.51.100.{i}"}) for i in range(5)]
        assert codes == [303, 303, 303, 429, 429], "a forged X-Forwarded-For bypassed the limit"


def test_behind_a_trusted_proxy_each_reader_has_a_bucket(
    engine: Engine, migrated: Settings, clock: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    load(engine, CYCLE)
    # TestClient connects as ("testclient", 50000); pretend it is the proxy at 10.0.0.5.
    original = ClientAddress.__call__

    async def from_proxy(self, scope, receive, send):  # type: ignore[no-untyped-def]
        if scope["type"] == "http":
            scope["client"] = ("10.0.0.5", 50000)
        await original(self, scope, receive, send)

    monkeypatch.setattr(ClientAddress, "__call__", from_proxy)
    with _apps(migrated, 1, trusted_proxies="10.0.0.0/24") as (client,):
        for reader in ("203.0.113.1", "203.0.113.2"):
            # The reader's own (forged) left part is ignored; the proxy's entry counts.
            hops = f"6.6.6.{reader[-1]}, {reader}"
            codes = [_post(client, i, **{"X-Forwarded-For": hops}) for i in range(4)]
            assert codes == [303, 303, 303, 429], reader


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        ("127.0.0.1", "203.0.113.9", "127.0.0.1"),  # loopback is not trusted unless named
        ("10.0.0.5", "203.0.113.9", "203.0.113.9"),
        ("10.0.0.5", "1.2.3.4, 203.0.113.9", "203.0.113.9"),  # the client wrote 1.2.3.4
        ("10.0.0.5", "203.0.113.9, 10.0.0.7", "203.0.113.9"),  # two proxies in a row
        ("10.0.0.5", "10.0.0.8, 10.0.0.7", "10.0.0.8"),  # only proxies: the first one
        ("10.0.0.5", "junk, 203.0.113.9", "203.0.113.9"),
        ("10.0.0.5", "203.0.113.9, junk", "10.0.0.5"),  # a proxy wrote junk: stop there
        ("2001:db8::5", "2001:db8:1::9", "2001:db8:1::9"),
        ("192.0.2.1", "203.0.113.9", "192.0.2.1"),  # an untrusted peer
        # IPv4-mapped spellings (a dual-stack socket, nginx on [::]) are the IPv4 addresses.
        ("::ffff:10.0.0.5", "203.0.113.9", "203.0.113.9"),
        ("10.0.0.5", "203.0.113.9, ::ffff:10.0.0.7", "203.0.113.9"),
        ("10.0.0.5", "::ffff:203.0.113.9", "203.0.113.9"),
        ("::ffff:192.0.2.1", "203.0.113.9", "192.0.2.1"),
    ],
)
def test_client_address_rules(peer: str, forwarded: str, client: str) -> None:
    guard = ClientAddress(None, "10.0.0.0/24, 2001:db8::/64")  # type: ignore[arg-type]
    assert guard.client(peer, [forwarded.encode()]) == client


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 303),  # not a browser
        ({"Sec-Fetch-Site": "same-origin"}, 303),
        ({"Sec-Fetch-Site": "none"}, 303),  # typed or bookmarked
        ({"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, 403),
        ({"Sec-Fetch-Site": "same-site", "Origin": "https://sub.127.0.0.1"}, 403),
        ({"Origin": "https://evil.example"}, 403),  # an older browser: Origin alone
        ({"Origin": "null"}, 403),
        ({"Origin": "http://127.0.0.1:8000"}, 303),  # APP_PUBLIC_URL
        ({"Origin": "http://testserver"}, 303),  # the Host it was sent to
    ],
)
def test_cross_site_form_posts_are_refused(
    client: TestClient, headers: dict[str, str], status: int
) -> None:
    r = client.post("/c", data={"o": PAIR}, headers=headers, follow_redirects=False)
    assert r.status_code == status, r.text
    if status == 403:
        assert "only be sent from a page of this site" in r.text
        assert r.headers["content-security-policy"]


def test_ipv6_clients_are_counted_by_their_64(
    engine: Engine, migrated: Settings, clock: list[float]
) -> None:
    """N6: behind a trusted proxy, 30 posts from 30 addresses of one /64 all passed a limit
    of 5. One subscriber holds a whole /64: it is one client; other /64s are counted apart."""
    load(engine, CYCLE)
    settings = migrated.model_copy(
        update={"trusted_proxies": "127.0.0.1", "permalink_rate_limit": 5}
    )
    with TestClient(create_app(settings), client=("127.0.0.1", 50000)) as proxy:

        def post(i: int, reader: str) -> int:
            return _post(proxy, i, **{"X-Forwarded-For": reader})

        codes = [post(i, f"2001:db8::{i:x}") for i in range(1, 31)]
        assert codes == [303] * 5 + [429] * 25, "fresh addresses of one /64 bypassed the limit"
        assert post(31, "2001:db8:0:0:ffff:ffff:ffff:ffff") == 429  # the /64's last address
        # Other /64s, even next door, are other clients.
        assert [post(i, f"2001:db8:0:{i:x}::1") for i in range(1, 6)] == [303] * 5
        # 2001:db8:0:1::/64 has one post already.
        assert [post(i, f"2001:db8:0:1:{i:x}::1") for i in range(6, 11)] == [303] * 4 + [429]
        # An IPv4-mapped address is the IPv4 address, with one bucket for both spellings.
        mapped = [post(i, "::ffff:198.51.100.7") for i in range(3)]
        plain = [post(i, "198.51.100.7") for i in range(3, 6)]
        assert mapped + plain == [303] * 5 + [429]


@pytest.mark.parametrize(
    ("client", "key"),
    [
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8::1", "2001:db8::/64"),
        ("::ffff:203.0.113.9", "203.0.113.9"),
        ("203.0.113.9", "203.0.113.9"),
        ("testclient", "testclient"),
    ],
)
def test_rate_key(client: str, key: str) -> None:
    assert rate_limit.rate_key(client) == key
