"""Pure ASGI middleware (cheaper than BaseHTTPMiddleware on every request)."""

import datetime as dt
import hashlib
import html
import json
import logging
import math
import re
import time
import uuid
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from typing import Any
from urllib.parse import urlsplit

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.store import queries

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# Embed pages (/embed/...) may be shown in another site's iframe: their routes set this CSP
# themselves, and SecurityHeaders keeps a response's own CSP and then sends no X-Frame-Options.
EMBED_CSP = CSP.replace("frame-ancestors 'none'", "frame-ancestors *")
FRAMEABLE = {"content-security-policy": EMBED_CSP}
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


async def send_error(
    scope: Scope,
    send: Send,
    status: int,
    code: str,
    title: str,
    message: str,
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    """An error answered before the app runs: the shared JSON shape under /api/, else a page."""
    if scope["path"].startswith("/api/"):
        body = json.dumps({"error": {"code": code, "message": message, "field": None}}).encode()
        ctype = b"application/json"
    else:
        body = (
            f"<!doctype html><html lang=en><meta charset=utf-8><title>{title}</title>"
            f"<h1>{title}</h1><p>{html.escape(message)}</p>"
            "<p><a href=/>Back to all options</a></p></html>"
        ).encode()
        ctype = b"text/html; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", ctype),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # Redirects stay on this site, whatever Host the request named.
                headers = [
                    (k, same_site(v) if k.lower() == b"location" else v)
                    for k, v in message.get("headers", [])
                ]
                message["headers"] = headers + defaults_for(headers)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def defaults_for(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The security headers a response lacks. A response that sets its own CSP (an embed
    page, framable) keeps it, and gets no X-Frame-Options, which would forbid any frame."""
    own = {k.lower() for k, _ in headers}
    if b"content-security-policy" not in own:
        return SECURITY_HEADERS
    return [(k, v) for k, v in SECURITY_HEADERS if k not in own and k != b"x-frame-options"]


# The methods HTTP defines (RFC 9110, PATCH, and QUERY, the safe method with a body, which
# clients and API testers already send); the only ones metrics name (N2).
HTTP_METHODS = frozenset(
    {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "QUERY"}
)


def method_label(method: str) -> str:
    """A method as a metric label: one of HTTP_METHODS, else "other" (a bounded set)."""
    return method if method in HTTP_METHODS else "other"


class KnownMethods:
    """501 to a method HTTP does not define, before routing: any token is a valid method on
    the wire, and each used to become metric series of its own (N2). A defined method that a
    route does not take still gets the router's 405 with Allow."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in HTTP_METHODS:
            await self.app(scope, receive, send)
            return
        msg = "This site does not know that request method. It answers GET, HEAD and POST."
        allow = [(b"allow", b"GET, HEAD, POST")]
        await send_error(scope, send, 501, "not_implemented", "Not implemented", msg, allow)


class HeadAsGet:
    """HEAD is answered like GET, headers only: the page routes declare GET alone."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body"):
                    return
                message = {"type": "http.response.body", "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_without_body)


def same_site(location: bytes) -> bytes:
    """A Location as a path on this site. Starlette builds absolute redirects (/matrix/ ->
    /matrix) from the Host header, which anyone can forge; browsers read // or /\\ as another
    host, so those are folded to one slash."""
    parts = urlsplit(location.decode("latin-1"))
    path = "/" + parts.path.lstrip("/\\")
    return (path + (f"?{parts.query}" if parts.query else "")).encode("latin-1")


class BodyLimit:
    """Answer 413 to request bodies over the limit, before anything parses them."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def _reject(self, scope: Scope, send: Send) -> None:
        msg = f"The request body is larger than {self.max_bytes} bytes."
        await send_error(scope, send, 413, "too_large", "Request too large", msg)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            # int() refuses thousands of digits; 15 are enough to tell (the body is counted too).
            if name == b"content-length" and value.isdigit() and int(value[:15]) > self.max_bytes:
                await self._reject(scope, send)
                return
        # A body without (or lying about) its length is counted as it arrives.
        chunks: list[Message] = []
        size = 0
        while True:
            message = await receive()
            chunks.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > self.max_bytes:
                await self._reject(scope, send)
                return
            if not message.get("more_body"):
                break

        async def replay() -> Message:
            return chunks.pop(0) if chunks else await receive()

        await self.app(scope, replay, send)


def now() -> float:
    """The clock of the rate limit's windows (tests move it)."""
    return time.time()


BUSY = -1  # RateLimit._hit: the database was too busy to count the request


class RateLimit:
    """Per-client fixed-window limit on the POST paths that write (creating permalinks, sending
    error reports), counted in the database so that every process and instance shares the
    counters (F7). Reading is never limited. The client is scope["client"], set by
    ClientAddress, keyed by rate_key (an IPv6 client by its /64)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        paths: tuple[str, ...],
        limit: int,
        window: float,
        name: str = "permalink",
        noun: str = "permanent links created",
    ) -> None:
        self.app = app
        self.paths = paths
        self.name = name  # counters of different forms are apart
        self.noun = noun
        self.limit = limit
        self.window = max(1, int(window))

    def _hit(self, engine: Any, client: str) -> int | None:  # the app's Engine
        """Count this request; seconds to wait when it is over the limit (BUSY: the database
        could not count it), else None."""
        t = now()
        start = int(t // self.window) * self.window
        hits = queries.rate_limit_count(
            engine, key=f"{self.name} {client}", window=start, expired=start - self.window
        )
        if hits is None:
            return BUSY
        if hits <= self.limit:
            return None
        return max(1, math.ceil(start + self.window - t))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] not in self.paths:
            await self.app(scope, receive, send)
            return
        client = rate_key((scope.get("client") or ("unknown", 0))[0])
        # A write: in the threadpool, so that waiting for SQLite's lock stalls nothing else.
        retry = await anyio.to_thread.run_sync(self._hit, scope["app"].state.engine, client)
        if retry == BUSY:
            msg = "The database is busy, probably with a dataset load. Try again shortly."
            await send_error(scope, send, 503, "busy", "Busy", msg, [(b"retry-after", b"5")])
            return
        if retry is None:
            await self.app(scope, receive, send)
            return
        msg = (
            f"Too many {self.noun} from your address: at most {self.limit} per "
            f"{self.window} seconds. Try again in {retry} seconds."
        )
        await send_error(
            scope,
            send,
            429,
            "rate_limited",
            "Too many requests",
            msg,
            [(b"retry-after", str(retry).encode())],
        )


def rate_key(client: str) -> str:
    """Whom the rate limit counts. An IPv6 client by its /64: one subscriber usually gets a
    whole /64, and could take a fresh address for every request (N6). An IPv4-mapped address
    (::ffff:a.b.c.d) is that IPv4 address. Anything else as it is."""
    addr = _address(client)
    if addr is None:
        return client
    if isinstance(addr, IPv4Address):
        return str(addr)
    return str(IPv6Network((int(addr) >> 64 << 64, 64)))


def parse_networks(spec: str) -> tuple[IPv4Network | IPv6Network, ...]:
    """`10.0.0.0/8, 192.0.2.7, ::1` -> networks; an address alone is a network of one."""
    return tuple(ip_network(part.strip(), strict=False) for part in spec.split(",") if part.strip())


def _address(text: str) -> IPv4Address | IPv6Address | None:
    """An address, an IPv4-mapped one (::ffff:a.b.c.d, as a dual-stack socket or nginx's
    $remote_addr may spell it) as its IPv4 address: trusted, logged and counted as such."""
    try:
        addr = ip_address(text.strip())
    except ValueError:
        return None
    return addr.ipv4_mapped if isinstance(addr, IPv6Address) and addr.ipv4_mapped else addr


class ClientAddress:
    """The client's address, for the rate limit and the access log. It is the peer's, unless
    the peer is a trusted proxy (APP_TRUSTED_PROXIES): then X-Forwarded-For is read from the
    right, past every trusted proxy, and the first address not trusted is the client. Nothing
    is trusted by default, loopback included (F7); uvicorn's own proxy handling is off."""

    def __init__(self, app: ASGIApp, trusted: str) -> None:
        self.app = app
        self.trusted = parse_networks(trusted)

    def _is_trusted(self, addr: IPv4Address | IPv6Address | None) -> bool:
        return addr is not None and any(addr in net for net in self.trusted)

    def client(self, peer: str, forwarded: list[bytes]) -> str:
        peer_addr = _address(peer)
        peer = str(peer_addr) if peer_addr is not None else peer
        if not self.trusted or not self._is_trusted(peer_addr) or not forwarded:
            return peer
        hops = [h for v in forwarded for h in v.decode("latin-1").split(",")]
        client = peer
        for hop in reversed(hops):
            addr = _address(hop)
            if addr is None:
                break  # not an address: whoever wrote it is not to be believed further
            client = str(addr)
            if not self._is_trusted(addr):
                break
        return client

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # The outermost middleware: the scope is this request's own, changed in place so that
        # the access log and the rate limit see the client, and the peer stays known.
        peer, port = scope.get("client") or ("unknown", 0)
        scope.setdefault("state", {})["peer"] = peer
        forwarded = [v for k, v in scope["headers"] if k == b"x-forwarded-for"]
        scope["client"] = (self.client(peer, forwarded), port)
        await self.app(scope, receive, send)


UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class SameOrigin:
    """Refuse (403) a request that changes something when a browser says it comes from another
    site: a cross-site form POST to /c (F7). Sec-Fetch-Site decides where browsers send it;
    else an Origin header must be this site's (its public URL, or the Host it was sent to).
    Requests with neither (curl, scripts) are not from a browser page and pass."""

    def __init__(self, app: ASGIApp, public_url: str) -> None:
        self.app = app
        parts = urlsplit(public_url)
        self.public_origin = f"{parts.scheme}://{parts.netloc}".lower()

    def allowed(self, headers: dict[bytes, bytes], scheme: str) -> bool:
        site = headers.get(b"sec-fetch-site")
        if site is not None:
            return site in (b"same-origin", b"none")
        origin = headers.get(b"origin")
        if origin is None:
            return True
        origin_text = origin.decode("latin-1").lower()
        host = headers.get(b"host", b"").decode("latin-1").lower()
        return origin_text in (self.public_origin, f"{scheme}://{host}")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE_METHODS:
            await self.app(scope, receive, send)
            return
        if self.allowed(dict(scope["headers"]), scope.get("scheme", "http")):
            await self.app(scope, receive, send)
            return
        msg = "This form can only be sent from a page of this site."
        await send_error(scope, send, 403, "cross_site", "Forbidden", msg)


REQUEST_ID_RE = re.compile(rb"^[A-Za-z0-9._-]{8,64}$")
access_logger = logging.getLogger("explorer.access")


class AccessLog:
    """One JSON line per request on the `explorer.access` logger, with a request id that is
    also sent as X-Request-ID (a well-formed X-Request-ID from a trusted proxy is kept), and the
    Prometheus metrics when they are on (app.serving.metrics)."""

    def __init__(self, app: ASGIApp, trusted: str, metrics: bool) -> None:
        self.app = app
        self.trusted = parse_networks(trusted)
        self.metrics = metrics

    def _request_id(self, scope: Scope) -> bytes:
        peer = _address(scope.get("state", {}).get("peer", ""))
        if peer is not None and any(peer in net for net in self.trusted):
            for k, v in scope["headers"]:
                if k == b"x-request-id" and REQUEST_ID_RE.match(v):
                    return bytes(v)
        return uuid.uuid4().hex.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = self._request_id(scope)
        scope.setdefault("state", {})["request_id"] = rid.decode()
        start = time.perf_counter()
        status, size = 500, 0

        async def send_logged(message: Message) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid)]
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_logged)
        finally:
            elapsed = time.perf_counter() - start
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            if self.metrics:
                from app.serving import metrics

                metrics.observe_request(method_label(scope["method"]), template, status, elapsed)
            if access_logger.isEnabledFor(logging.INFO):
                access_logger.info(
                    json.dumps(
                        {
                            "time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
                            "request_id": rid.decode(),
                            "client": (scope.get("client") or ("", 0))[0],
                            "method": scope["method"],
                            "path": scope["path"],
                            "query": scope.get("query_string", b"").decode("latin-1")[:512],
                            "route": template,
                            "status": status,
                            "bytes": size,
                            "duration_ms": round(elapsed * 1000, 2),
                        }
                    )
                )


class ConditionalGet:
    """An ETag (a hash of the body) and a short Cache-Control on successful GETs, and 304 to a
    matching If-None-Match: a reverse proxy caches pages for `max_age` seconds and then
    revalidates them cheaply (deploy/nginx.conf). A response that sets its own ETag or
    Cache-Control, or streams its body (static files), is left alone."""

    CACHEABLE = (b"text/html", b"application/json", b"text/csv")

    def __init__(self, app: ASGIApp, max_age: int) -> None:
        self.app = app
        self.cache_control = f"public, max-age={max_age}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] == "/metrics":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        passing = False

        async def send_tagged(message: Message) -> None:
            nonlocal start, passing
            if passing:
                await send(message)
                return
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers", []))
                ctype = headers.get(b"content-type", b"")
                if (
                    message["status"] != 200
                    or b"etag" in headers
                    or b"cache-control" in headers
                    or not ctype.startswith(self.CACHEABLE)
                ):
                    passing = True
                    await send(message)
                else:
                    start = message
                return
            assert start is not None
            passing = True
            if message.get("more_body"):
                await send(start)
                await send(message)
                return
            body = message.get("body", b"")
            etag = b'W/"' + hashlib.blake2b(body, digest_size=12).hexdigest().encode() + b'"'
            tagged = [*start.get("headers", []), (b"etag", etag)]
            tagged.append((b"cache-control", self.cache_control))
            if etag in _if_none_match(scope):
                kept = [(k, v) for k, v in tagged if k not in (b"content-length",)]
                await send({"type": "http.response.start", "status": 304, "headers": kept})
                await send({"type": "http.response.body", "body": b""})
                return
            await send({**start, "headers": tagged})
            await send(message)

        await self.app(scope, receive, send_tagged)


def _if_none_match(scope: Scope) -> list[bytes]:
    tags: list[bytes] = []
    for k, v in scope["headers"]:
        if k == b"if-none-match":
            tags.extend(t.strip() for t in v.split(b","))
    # A weak comparison (RFC 9110): W/"x" matches "x".
    return tags + [b"W/" + t for t in tags if not t.startswith(b"W/")]
