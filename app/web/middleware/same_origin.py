"""403 to writes a browser says come from another site."""

from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

from app.web.middleware.errors import send_error

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
