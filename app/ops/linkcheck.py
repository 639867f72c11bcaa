"""Source link health for `explorer check-sources`.

Every distinct source URL is checked with httpx: asynchronously, with bounded concurrency and
timeouts, HEAD first and GET as a fallback, following redirects up to a limit and sending a
descriptive User-Agent. A dead link (4xx, 5xx, timeout or network failure) is looked up in the
Internet Archive's availability API so readers can still reach a copy.

Results are stored in `LinkCheck` (keyed by URL). Link status is metadata: checking never touches
the `Revision` table or any dataset table, so it never changes the dataset revision.

Only public addresses are fetched: every address the host resolves to, at every redirect hop,
must be globally routable, so a source URL (or a redirect) cannot make the server probe its own
network. Each connection goes to an address that was checked (`PublicOnlyTransport`), never to
one from a second DNS lookup, which a name with a zero TTL could point inward. Errors are
recorded as a few fixed phrases, never the exception's text, because they are shown on /sources.
The whole run has a deadline.
"""

import asyncio
import datetime as dt
import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass, replace

import httpcore
import httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.store.models import LinkCheck, Source

USER_AGENT = (
    "PolicyOptionExplorer-LinkCheck/0.1 "
    "(+https://github.com/policy-option-explorer; source link health)"
)
ARCHIVE_API = "https://archive.org/wayback/available"

# HEAD answers that often mean "this server does not do HEAD" rather than "this page is gone".
_HEAD_FALLBACK_STATUSES = frozenset({403, 405, 501})
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
NOT_PUBLIC = "not a public address"
NOT_HTTP = "not an http or https URL"
INVALID_URL = "invalid URL"
# Results for URLs that were never fetched; they are not sent to the archive either.
_REFUSED = frozenset({NOT_PUBLIC, NOT_HTTP, INVALID_URL})
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
OUT_OF_TIME = "not checked: the run's deadline passed"


@dataclass(frozen=True)
class LinkResult:
    url: str
    status: int | None
    ok: bool
    final_url: str | None
    error: str | None
    archive_url: str | None
    checked_at: dt.datetime  # timezone-aware UTC (SQLModel's datetime columns require an offset)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class _TooManyRedirects(Exception):
    def __init__(self, status: int, url: str) -> None:
        super().__init__("too many redirects")
        self.status = status
        self.url = url


class _Refused(Exception):
    """A URL this checker will not fetch; the message is safe to publish."""


async def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (numeric spellings such as 127.1 or 0x7f000001 too)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def is_public(address: str) -> bool:
    """Globally routable: not loopback, private, link-local, shared, reserved or multicast,
    also when an IPv4 address hides inside an IPv6 one."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if ip in _NAT64:
            inner = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if inner is not None:
            ip = inner
    return ip.is_global and not ip.is_multicast


async def _public_addresses(host: str, port: int) -> list[str]:
    """The addresses of `host`, all of them public; else _Refused."""
    try:
        addresses = await resolve(host, port)
    except (OSError, UnicodeError):
        raise _Refused("host not found") from None
    if not addresses or not all(is_public(a) for a in addresses):
        raise _Refused(NOT_PUBLIC)
    return addresses


async def _check_public(url: httpx.URL) -> None:
    """Refuse a URL before any request (the connection checks again: PublicOnlyTransport)."""
    if url.scheme not in ("http", "https") or not url.host:
        raise _Refused(NOT_HTTP)
    await _public_addresses(url.host, url.port or (443 if url.scheme == "https" else 80))


class _PublicOnlyBackend(httpcore.AsyncNetworkBackend):
    """Opens TCP connections to a checked address itself, so nothing resolves the host again
    between the check and the connection (DNS rebinding). TLS still names the host (SNI and
    certificate check) and so does the Host header: httpcore takes both from the URL."""

    def __init__(self) -> None:
        self._network = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                addresses = await _public_addresses(host, port)
        except TimeoutError:
            raise httpcore.ConnectTimeout("lookup timed out") from None
        failure: httpcore.ConnectError | httpcore.ConnectTimeout | None = None
        for address in dict.fromkeys(addresses):
            try:
                return await self._network.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None  # _public_addresses never returns an empty list
        raise failure

    async def sleep(self, seconds: float) -> None:
        await self._network.sleep(seconds)


class PublicOnlyTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport (HTTP/1.1, TLS checked against the URL's host), whose connections
    go only to public addresses that were checked when connecting."""

    def __init__(self) -> None:
        super().__init__()
        # httpx takes no network backend: its pool is rebuilt with one (httpx's defaults).
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=_PublicOnlyBackend(),
        )


async def _fetch(
    client: httpx.AsyncClient, method: str, url: str, max_redirects: int
) -> tuple[int, str]:
    """Request `url`, following redirects by hand; return (final status, final URL).

    Bodies are never read: GET is streamed and the response closed straight away.
    """
    current = httpx.URL(url)
    redirects = 0
    while True:
        await _check_public(current)  # at every hop: a public page may redirect inward
        request = client.build_request(method, current, headers={"User-Agent": USER_AGENT})
        response = await client.send(request, stream=True, follow_redirects=False)
        await response.aclose()
        location = response.headers.get("location")
        if response.status_code not in _REDIRECT_STATUSES or not location:
            return response.status_code, str(response.url)
        if redirects >= max_redirects:
            raise _TooManyRedirects(response.status_code, str(response.url))
        redirects += 1
        current = response.url.join(location)


def _describe(exc: httpx.HTTPError) -> str:
    """A fixed phrase: exception texts can name internal hosts and addresses."""
    if isinstance(exc, httpx.ConnectError):
        return "connection failed"
    if isinstance(exc, httpx.ProtocolError):
        return "protocol error"
    return "request failed"


async def check_url(client: httpx.AsyncClient, url: str, *, max_redirects: int = 5) -> LinkResult:
    """Check one URL: HEAD first, GET if HEAD is refused or fails (other than by timing out)."""

    def result(
        status: int | None, final_url: str | None = None, error: str | None = None
    ) -> LinkResult:
        ok = error is None and status is not None and 200 <= status < 400
        return LinkResult(url, status, ok, final_url, error, None, _now())

    for method in ("HEAD", "GET"):
        try:
            status, final_url = await _fetch(client, method, url, max_redirects)
        except _TooManyRedirects as exc:
            return result(exc.status, exc.url, "too many redirects")
        except _Refused as exc:
            return result(None, error=str(exc))
        except httpx.TimeoutException:
            return result(None, error="timeout")
        except httpx.InvalidURL:
            return result(None, error=INVALID_URL)
        except httpx.HTTPError as exc:  # connection refused, DNS failure, protocol error...
            if method == "HEAD":
                continue
            return result(None, error=_describe(exc))
        if method == "HEAD" and status in _HEAD_FALLBACK_STATUSES:
            continue
        return result(status, final_url)
    raise AssertionError("unreachable: the GET attempt always returns")  # pragma: no cover


async def archive_lookup(client: httpx.AsyncClient, url: str) -> str | None:
    """Address of the Internet Archive's closest snapshot of `url`, or None (also on any error)."""
    try:
        response = await client.get(
            ARCHIVE_API,
            params={"url": url},
            headers={"User-Agent": USER_AGENT},
            follow_redirects=True,
        )
        if response.status_code != 200:
            return None
        closest = response.json().get("archived_snapshots", {}).get("closest")
        if not isinstance(closest, dict) or closest.get("available") is not True:
            return None
        snapshot = closest.get("url")
        if not isinstance(snapshot, str) or not snapshot:
            return None
        if snapshot.startswith("http://"):
            snapshot = "https://" + snapshot.removeprefix("http://")
        # It becomes a link on /sources: only a plain https address, never javascript: or data:.
        parsed = httpx.URL(snapshot)
        return snapshot if parsed.scheme == "https" and parsed.host else None
    except Exception:
        return None


async def check_urls(
    urls: Iterable[str],
    *,
    concurrency: int = 8,
    timeout: float = 10.0,
    deadline: float = 300.0,
    client: httpx.AsyncClient | None = None,
) -> list[LinkResult]:
    """Check each distinct URL (in first-seen order), at most `concurrency` at a time. URLs not
    done within `deadline` seconds of the start are reported as not checked."""
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    unique = list(dict.fromkeys(u for u in urls if u))
    semaphore = asyncio.Semaphore(concurrency)
    end = asyncio.get_running_loop().time() + deadline

    async def one(c: httpx.AsyncClient, url: str) -> LinkResult:
        res = LinkResult(url, None, False, None, OUT_OF_TIME, None, _now())
        try:
            async with asyncio.timeout_at(end), semaphore:
                res = await check_url(c, url)
                if not res.ok and res.error not in _REFUSED:
                    archived = await archive_lookup(c, url)
                    if archived:
                        res = replace(res, archive_url=archived)
        except TimeoutError:
            pass
        return res

    if client is not None:
        return list(await asyncio.gather(*(one(client, u) for u in unique)))
    async with httpx.AsyncClient(
        transport=PublicOnlyTransport(),  # also keeps proxies from the environment out
        timeout=httpx.Timeout(timeout),
        headers={"User-Agent": USER_AGENT},
        follow_redirects=False,
    ) as own:
        return list(await asyncio.gather(*(one(own, u) for u in unique)))


def check_sources(
    engine: Engine, *, concurrency: int = 8, timeout: float = 10.0, deadline: float = 300.0
) -> list[LinkResult]:
    """Check every source URL and upsert the results into `LinkCheck`, in one transaction.

    Only `Source` is read and only `LinkCheck` is written: the dataset revision is untouched.
    """
    with Session(engine) as session:
        urls = list(session.exec(select(Source.url).where(col(Source.url).is_not(None)).distinct()))
    results = asyncio.run(
        check_urls(
            [u for u in urls if u], concurrency=concurrency, timeout=timeout, deadline=deadline
        )
    )
    with Session(engine) as session:
        for r in results:
            session.merge(
                LinkCheck(
                    url=r.url,
                    status=r.status,
                    ok=r.ok,
                    error=r.error,
                    final_url=r.final_url,
                    archive_url=r.archive_url,
                    checked_at=r.checked_at,
                )
            )
        session.commit()
    return results


def summary(results: Iterable[LinkResult]) -> str:
    """One line for the terminal, e.g. "12 checked: 10 ok, 2 dead (1 archived copy found)"."""
    results = list(results)
    ok = sum(r.ok for r in results)
    dead = len(results) - ok
    archived = sum(1 for r in results if not r.ok and r.archive_url)
    copies = "copy" if archived == 1 else "copies"
    return f"{len(results)} checked: {ok} ok, {dead} dead ({archived} archived {copies} found)"
