"""ETags, a short Cache-Control and 304s on successful GETs."""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.serving import etags


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
            etag = etags.weak(etags.digest(body))
            tagged = [*start.get("headers", []), (b"etag", etag)]
            tagged.append((b"cache-control", self.cache_control))
            if etags.held(_if_none_match(scope), etag):
                kept = [(k, v) for k, v in tagged if k not in (b"content-length",)]
                await send({"type": "http.response.start", "status": 304, "headers": kept})
                await send({"type": "http.response.body", "body": b""})
                return
            await send({**start, "headers": tagged})
            await send(message)

        await self.app(scope, receive, send_tagged)


def _if_none_match(scope: Scope) -> bytes:
    return b", ".join(v for k, v in scope["headers"] if k == b"if-none-match")
