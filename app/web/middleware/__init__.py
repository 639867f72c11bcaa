"""The middleware stack: pure ASGI classes (cheaper than BaseHTTPMiddleware on every request),
one per module, and their order in one table, STACK."""

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from starlette.middleware.gzip import GZipMiddleware

from app.config import Settings
from app.serving.page_cache import CachedPages
from app.web.middleware.access_log import AccessLog
from app.web.middleware.body_limit import BodyLimit
from app.web.middleware.client_address import ClientAddress
from app.web.middleware.conditional_get import ConditionalGet
from app.web.middleware.head_as_get import HeadAsGet
from app.web.middleware.known_methods import KnownMethods
from app.web.middleware.rate_limit import RateLimit
from app.web.middleware.same_origin import SameOrigin
from app.web.middleware.security_headers import SecurityHeaders

# A row's options from the settings; None leaves the row out.
Options = Callable[[Settings], dict[str, Any] | None]


def _none(_: Settings) -> dict[str, Any]:
    return {}


# Outermost first: each row wraps every row below it and the app.
STACK: tuple[tuple[Any, Options], ...] = (
    # First, so that the log and the rate limits see the client, not the proxy.
    (ClientAddress, lambda s: {"trusted": s.trusted_proxies}),
    # Logs (and counts) every answer, the refusals of the rows below included; off if unasked.
    (
        AccessLog,
        lambda s: (
            {"trusted": s.trusted_proxies, "metrics": s.metrics}
            if s.access_log or s.metrics
            else None
        ),
    ),
    # Every answer below gets the headers, the 501/403/429/413 refusals included.
    (SecurityHeaders, _none),
    # Before routing, inside the log and security headers.
    (KnownMethods, _none),
    # HEAD becomes GET before the page cache and the routes, which declare GET alone.
    (HeadAsGet, _none),
    # A cross-site write is refused before it is counted or its body read.
    (SameOrigin, lambda s: {"public_url": s.public_url}),
    # A cached page (GET only) is answered here, gzipped and tagged already: nothing below runs.
    (CachedPages, _none),
    # Error reports: writes are counted before their bodies are read.
    (
        RateLimit,
        lambda s: {
            "paths": ("/report",),
            "limit": s.report_rate_limit,
            "window": s.report_rate_window,
            "name": "report",
            "noun": "error reports sent",
        },
    ),
    # Permanent links: the same, with counters of their own (the default name).
    (
        RateLimit,
        lambda s: {
            "paths": ("/c",),
            "limit": s.permalink_rate_limit,
            "window": s.permalink_rate_window,
        },
    ),
    # 413 before any route parses a body.
    (BodyLimit, lambda s: {"max_bytes": s.max_body_bytes}),
    # Around GZip: it tags the bytes sent, so a gzipped and a plain answer never share an ETag.
    (ConditionalGet, lambda s: {"max_age": s.proxy_cache_seconds}),
    # Innermost: compresses what the routes send.
    (GZipMiddleware, lambda s: {"minimum_size": 500, "compresslevel": 6}),
)


def install(app: FastAPI, settings: Settings) -> None:
    """Add STACK to the app. Starlette makes the last one added the outermost: added reversed."""
    for cls, options in reversed(STACK):
        kwargs = options(settings)
        if kwargs is not None:
            app.add_middleware(cls, **kwargs)
