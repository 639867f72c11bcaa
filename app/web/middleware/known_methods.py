"""501 to request methods HTTP does not define."""

from starlette.types import ASGIApp, Receive, Scope, Send

from app.web.middleware.errors import send_error

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
