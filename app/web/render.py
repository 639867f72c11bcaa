"""Templates, the full-page-or-fragment decision, and URL helpers. Templates never join URL
strings by hand: they call these helpers."""

import functools
import gzip
import threading
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

import nh3
from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2_fragments import render_block
from markdown_it import MarkdownIt
from markupsafe import Markup

from app.analysis.labels import (
    POSITION_LABELS,
    POSITION_SYMBOLS,
    VETO_LABELS,
    VETO_MEANINGS,
    VETO_SYMBOLS,
)
from app.config import Settings
from app.dataset.dates import human as human_date

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def markdown(text: str) -> Markup:
    # Markdown is author input: render without raw HTML, then sanitise the result as well.
    return Markup(nh3.clean(_md.render(text or ""), link_rel="noopener noreferrer"))


def href(path: str, pairs: Iterable[tuple[str, str]] = ()) -> str:
    query = urlencode(list(pairs), safe=",:")
    return f"{path}?{query}" if query else path


def without(
    pairs: Iterable[tuple[str, str]], name: str, value: str | None = None
) -> list[tuple[str, str]]:
    """The query without one parameter (or one value of a repeatable one)."""
    return [(k, v) for k, v in pairs if not (k == name and (value is None or v == value))]


def with_param(pairs: Iterable[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    """The query with one parameter set (replacing any value it had)."""
    return [*without(pairs, name), (name, value)]


def position_key(pos: int | str | None) -> int | None:
    return None if pos in (None, "unknown") else int(pos)  # type: ignore[arg-type]


@lru_cache
def environment(templates_dir: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates_dir),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters["markdown"] = markdown
    env.filters["human_date"] = human_date
    env.globals.update(
        href=href,
        without=without,
        with_param=with_param,
        POSITION_LABELS=POSITION_LABELS,
        POSITION_SYMBOLS=POSITION_SYMBOLS,
        VETO_LABELS=VETO_LABELS,
        VETO_SYMBOLS=VETO_SYMBOLS,
        VETO_MEANINGS=VETO_MEANINGS,
        position_key=position_key,
    )
    return env


def wants_fragment(request: Request) -> bool:
    """htmx asks for a fragment, except for boosted links and history restores."""
    h = request.headers
    return (
        h.get("hx-request") == "true"
        and h.get("hx-boosted") != "true"
        and h.get("hx-history-restore-request") != "true"
    )


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    *,
    block: str | None = None,
    status: int = 200,
    push_url: str | None = None,
) -> HTMLResponse:
    settings: Settings = request.app.state.settings
    env = environment(str(settings.templates_dir))
    ctx = {"request": request, **context}
    if block and wants_fragment(request):
        html = render_block(env, template, block, ctx)
    else:
        html = env.get_template(template).render(ctx)
    response = HTMLResponse(html, status_code=status)
    response.headers["Vary"] = "HX-Request"
    if push_url is not None and wants_fragment(request):
        # htmx would push the raw form query; push the canonical URL instead.
        response.headers["HX-Push-Url"] = push_url
    return response


CacheKey = tuple[object, ...]
CacheEntry = tuple[bytes, bytes, int, list[tuple[bytes, bytes]]]


class PageCache:
    """Rendered pages by (dataset revision, URL, fragment or not). A new revision misses every
    key, so stale pages are never served; least recently used entries go first.

    Routes run in the threadpool: every use of the dict holds the lock (rendering does not)."""

    def __init__(self, size: int) -> None:
        from collections import OrderedDict

        self.size = size
        self.lock = threading.Lock()
        self.entries: OrderedDict[CacheKey, CacheEntry] = OrderedDict()

    def _get(self, key: CacheKey, revision: object) -> CacheEntry | None:
        with self.lock:
            if revision != getattr(self, "revision", revision):
                self.entries.clear()  # a reload makes every entry stale
            self.revision = revision
            hit = self.entries.get(key)
            if hit is not None:
                self.entries.move_to_end(key)
            return hit

    def _put(self, key: CacheKey, hit: CacheEntry) -> None:
        with self.lock:
            if key[0] != self.revision:
                return  # built from a revision that a reload has since replaced
            self.entries[key] = hit
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def get_or_render(
        self, request: Request, revision: object, build: Callable[[], Response]
    ) -> Response:
        key = (revision, request.url.path, request.url.query, wants_fragment(request))
        hit = self._get(key, revision)
        if hit is None:
            response = build()
            if not self.size or response.status_code != 200:
                return response
            # Keep a copy (middleware rewrites the headers of the response it sends) and
            # compress once here rather than on every hit.
            hit = (
                bytes(response.body),
                gzip.compress(response.body, compresslevel=6),
                response.status_code,
                list(response.raw_headers),
            )
            self._put(key, hit)
        body, zipped, status, raw = hit
        headers = [(k, v) for k, v in raw if k not in (b"content-length", b"vary")]
        headers.append((b"vary", b"HX-Request, Accept-Encoding"))
        if "gzip" in request.headers.get("accept-encoding", ""):
            body = zipped
            headers.append((b"content-encoding", b"gzip"))
        fresh = Response(body, status_code=status)
        fresh.raw_headers = [*headers, (b"content-length", str(len(body)).encode())]
        return fresh


def cached_page(fn: Callable[..., Response]) -> Callable[..., Response]:
    """Serve a page route from the PageCache; the route must take `request` and `site`."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        request: Request = kwargs["request"]
        cache: PageCache = request.app.state.page_cache
        return cache.get_or_render(request, kwargs["site"].version, lambda: fn(*args, **kwargs))

    return wrapper
