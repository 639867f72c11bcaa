"""The security headers on every response, and redirects kept on this site."""

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


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # Redirects stay on this site, whatever Host the request named; Vary names
                # each header once (GZip adds Accept-Encoding to a page that names it already).
                headers = [(k, _kept(k.lower(), v)) for k, v in message.get("headers", [])]
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


def _kept(name: bytes, value: bytes) -> bytes:
    if name == b"location":
        return same_site(value)
    return once(value) if name == b"vary" else value


def once(vary: bytes) -> bytes:
    """A Vary value with each header named once, as first written."""
    names: dict[bytes, bytes] = {}
    for name in vary.split(b","):
        names.setdefault(name.strip().lower(), name.strip())
    return vary if len(names) == vary.count(b",") + 1 else b", ".join(names.values())


def same_site(location: bytes) -> bytes:
    """A Location as a path on this site. Starlette builds absolute redirects (/matrix/ ->
    /matrix) from the Host header, which anyone can forge; browsers read // or /\\ as another
    host, so those are folded to one slash."""
    parts = urlsplit(location.decode("latin-1"))
    path = "/" + parts.path.lstrip("/\\")
    return (path + (f"?{parts.query}" if parts.query else "")).encode("latin-1")
