"""Pure ASGI middleware (cheaper than BaseHTTPMiddleware on every request)."""

import html
import json
import math
import time
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

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


class RateLimit:
    """Per-client sliding-window limit on the POST paths that write (creating permalinks).
    Reading is never limited."""

    def __init__(self, app: ASGIApp, *, paths: tuple[str, ...], limit: int, window: float) -> None:
        self.app = app
        self.paths = paths
        self.limit = limit
        self.window = window
        self.hits: dict[str, list[float]] = {}

    def _retry_after(self, client: str, now: float) -> int | None:
        recent = [t for t in self.hits.get(client, []) if now - t < self.window]
        if len(recent) >= self.limit:
            self.hits[client] = recent
            return max(1, math.ceil(self.window - (now - recent[0])))
        recent.append(now)
        self.hits[client] = recent
        if len(self.hits) > 10_000:  # bound memory: forget clients with no recent hits
            self.hits = {k: v for k, v in self.hits.items() if v and now - v[-1] < self.window}
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] not in self.paths:
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("unknown", 0))[0]
        retry = self._retry_after(client, time.monotonic())
        if retry is None:
            await self.app(scope, receive, send)
            return
        msg = (
            f"Too many permanent links created from your address: at most {self.limit} per "
            f"{int(self.window)} seconds. Try again in {retry} seconds."
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
