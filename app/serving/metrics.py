"""Prometheus metrics (APP_METRICS=true): requests, latency, page cache hits, permalinks.

With several worker processes (`explorer serve --workers N`), prometheus-client's multiprocess
mode adds up every worker's numbers: `explorer serve` points PROMETHEUS_MULTIPROC_DIR at a fresh
directory before the workers start, and /metrics reads them all."""

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess as _multiprocess

from app.serving.page_cache import CacheEntry, CacheKey, PageCache

REQUESTS = Counter(
    "explorer_http_requests",
    "HTTP requests answered, by method, route template and status.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "explorer_http_request_duration_seconds",
    "Time from the request's arrival to the end of the response, by route template.",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
PAGE_CACHE = Counter(
    "explorer_page_cache_lookups", "Rendered-page cache lookups, by result.", ["result"]
)
PERMALINKS = Counter("explorer_permalinks_created", "Permanent links created (new rows).")
PERMALINKS_REFUSED = Counter(
    "explorer_permalinks_refused", "New permanent links refused, by reason.", ["reason"]
)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    """`method` is one of a fixed set (app.web.middleware.known_methods.method_label), `route`
    a route template or "unmatched": every label has few values, whatever clients send."""
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(seconds)


def page_cache(hit: bool) -> None:
    PAGE_CACHE.labels("hit" if hit else "miss").inc()


def permalink_created() -> None:
    PERMALINKS.inc()


def permalink_refused(reason: str) -> None:
    PERMALINKS_REFUSED.labels(reason).inc()


def exposition() -> tuple[bytes, str]:
    """The text format, summed over every worker in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        _multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # unannotated
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST


class CountingPageCache(PageCache):
    """The page cache, counting its hits and misses (without touching its hot path's code)."""

    def get(self, key: CacheKey) -> CacheEntry | None:
        hit = super().get(key)
        page_cache(hit is not None)
        return hit
