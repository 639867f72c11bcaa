"""The page cache: rendered pages by (dataset version, URL, fragment or not, day), bounded in
entries and bytes, each with its ETag; and `CachedPages`, the ASGI front that answers a hit
before routing. `app.serving.render.cached_page` stores what a route renders."""

import datetime as dt
import gzip
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from anyio.to_thread import run_sync
from fastapi import Request
from fastapi.responses import Response
from isal import isal_zlib
from starlette.types import ASGIApp, Receive, Scope, Send

from app.serving import etags
from app.serving.zipped import Segment, gzip_segments, joined_size

CacheKey = tuple[object, ...]
Headers = list[tuple[bytes, bytes]]
CACHE_CONTROL = b"public, max-age=0, must-revalidate"  # keep, but ask again: ETag answers 304


# Pages above this size are kept gzip-compressed only (a compare page: 200 KB plain, 30 KB
# gzip), and inflated for the rare client that does not take gzip: the cache then holds six
# times as many of them in the same memory.
PLAIN_UP_TO = 64 << 10
# Level 4, not 6: half the time on a 200 KB compare page (2 ms, not 4) for 5 % more bytes;
# pages no earlier request asked for are compressed once per request.
GZIP_LEVEL = 4
# A page with kept parts (a new weighting's compare page) deflates only the 25 KB between them,
# with ISA-L (app.serving.zipped) at its level 1: 15 % less time per page than zlib's level 3
# for 0.2 % more bytes (39.5 KB, not 39.4, for four options; the goal is under 40). Its level 0
# would take less time again, but for 40.2 KB.
SPLICE_LEVEL = 1
# An htmx answer (a new weighting's ranking block: 12 KB plain) is compressed on every weight
# change, where a page is kept for the day. zlib took a quarter of such a request (its set-up
# and tables evict the rest of the request from the CPU's caches); ISA-L's level 0 (isal)
# takes a fifth of its time and writes 3.6 KB where zlib's level 3 wrote 3.2 (bench: under 8).
FRAGMENT_LEVEL = 0


def gzip_fragment(body: bytes) -> bytes:
    return isal_zlib.compress(body, FRAGMENT_LEVEL, wbits=31)  # 31: a gzip member


@dataclass(frozen=True)
class CacheEntry:
    plain: bytes | None  # None: only the gzip body is kept (PLAIN_UP_TO)
    zipped: bytes
    status: int
    headers: list[tuple[bytes, bytes]]
    digest: bytes  # of the plain body (app.serving.etags): its tag, and with -gz the gzip's
    cache_control: bytes = CACHE_CONTROL
    route: str = ""  # the route's path template, for the access log and metrics on a hit

    @property
    def body(self) -> bytes:
        return self.plain if self.plain is not None else gzip.decompress(self.zipped)

    @property
    def size(self) -> int:
        return len(self.plain or b"") + len(self.zipped)

    def reply(
        self, *, gzip_ok: bool, if_none_match: bytes
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        """Status, headers and body for one request: 304 when the client holds this copy."""
        tag = etags.strong(self.digest, gzip=gzip_ok)
        common = [
            (b"etag", tag),
            (b"cache-control", self.cache_control),
            (b"vary", b"HX-Request, Accept-Encoding"),
        ]
        if etags.held(if_none_match, tag):
            return 304, common, b""
        body = self.zipped if gzip_ok else self.body
        headers = [*self.headers, *common, (b"content-length", str(len(body)).encode())]
        if gzip_ok:
            headers.append((b"content-encoding", b"gzip"))
        return self.status, headers, body


def is_fragment(headers: Mapping[str, str]) -> bool:
    return (
        headers.get("hx-request") == "true"
        and headers.get("hx-boosted") != "true"
        and headers.get("hx-history-restore-request") != "true"
    )


def cache_key(version: object, path: str, query: str, fragment: bool) -> CacheKey:
    # Today's date is part of the key: pages say how old the data is.
    return (version, path, query, fragment, dt.date.today())


class PageCache:
    """Rendered pages by (dataset version, URL, fragment or not, day). A new version misses
    every key, so stale pages are never served; least recently used entries go first.

    Routes run in the threadpool and the front middleware on the event loop: every use of the
    dict holds the lock (rendering does not)."""

    def __init__(
        self, size: int, cache_control: bytes = CACHE_CONTROL, max_bytes: int = 24 << 20
    ) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self.cache_control = cache_control
        self.lock = threading.Lock()
        self.version: object = None
        self.entries: OrderedDict[CacheKey, CacheEntry] = OrderedDict()
        self.bytes = 0  # bodies held, plain and gzip
        self.hits = 0

    def get(self, key: CacheKey) -> CacheEntry | None:
        with self.lock:
            if key[0] != self.version:
                return None
            hit = self.entries.get(key)
            if hit is not None:
                self.entries.move_to_end(key)
                self.hits += 1
            return hit

    def put(
        self,
        key: CacheKey,
        response: Response,
        route: str = "",
        segments: Sequence[Segment] = (),
        *,
        fragment: bool = False,
        keep: bool = True,
    ) -> CacheEntry:
        # Keep a copy (middleware rewrites the headers of the response it sends) and compress
        # once here rather than on every hit; parts the page contains were compressed already
        # (`segments`: the body as the texts between its parts and the parts).
        plain: bytes | None
        if segments:
            zipped, etag = gzip_segments(segments, SPLICE_LEVEL)
            # A body kept plain is joined here; a larger one is never joined for gzip clients.
            plain = bytes(response.body) if joined_size(segments) <= PLAIN_UP_TO else None
        else:
            body = bytes(response.body)
            if fragment:
                zipped, etag = gzip_fragment(body), etags.digest(body)
            else:  # one pass (the gzip module reads the body twice: CRC, then deflate)
                zipped, etag = zlib.compress(body, GZIP_LEVEL, wbits=31), etags.digest(body)
            plain = body if len(body) <= PLAIN_UP_TO else None
        entry = CacheEntry(
            plain=plain,
            zipped=zipped,
            status=response.status_code,
            headers=[
                (k, v)
                for k, v in response.raw_headers
                if k not in (b"content-length", b"vary", b"etag", b"cache-control")
            ],
            digest=etag,
            cache_control=self.cache_control,
            route=route,
        )
        if not (keep and self.size) or response.status_code != 200:
            return entry  # tagged and compressed for this answer, not kept
        with self.lock:
            if key[0] != self.version:
                self.entries.clear()  # a reload makes every entry stale
                self.bytes = 0
                self.version = key[0]
            old = self.entries.pop(key, None)
            if old is not None:
                self.bytes -= old.size
            self.entries[key] = entry
            self.bytes += entry.size
            while self.entries and (len(self.entries) > self.size or self.bytes > self.max_bytes):
                self.bytes -= self.entries.popitem(last=False)[1].size
        return entry


@dataclass(frozen=True)
class _Route:
    path: str


class CachedPages:
    """Pure ASGI front for the page cache: a GET the cache can answer is answered here, before
    routing, dependencies or any database work (the revision comes from the poller)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        poller = state.revision
        try:
            revision = poller.value if poller.fresh() else await run_sync(poller.current)
        except Exception:  # e.g. no schema yet: the routes answer that with a clear page
            revision = None
        entry = None
        if revision is not None:
            headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
            fragment = scope["explorer.fragment"] = is_fragment(headers)
            key = cache_key(
                (revision.number, revision.links_checked_at),
                scope["path"],
                scope["query_string"].decode("latin-1"),
                fragment,
            )
            entry = state.page_cache.get(key)
        if entry is None:
            if not await _answered_early(scope, receive, send):
                await self.app(scope, receive, send)
            return
        scope["route"] = _Route(entry.route)  # what routing would have matched
        status, out, body = entry.reply(
            gzip_ok="gzip" in headers.get("accept-encoding", ""),
            if_none_match=headers.get("if-none-match", "").encode("latin-1"),
        )
        await send({"type": "http.response.start", "status": status, "headers": out})
        await send({"type": "http.response.body", "body": body})


# A route's own answer for the requests it can serve without a thread, a database or anything
# but what it keeps (a comparison seen before, under new weights), asked here, before FastAPI's
# routing, dependencies and inner middleware; None lets the route answer as usual. By path, set
# by the app (app.main): `app.state.early`.
Early = Callable[[Request], Response | None]


async def _answered_early(scope: Scope, receive: Receive, send: Send) -> bool:
    early: Early | None = getattr(scope["app"].state, "early", {}).get(scope["path"])
    if early is None:
        return False
    try:
        response = early(Request(scope, receive))
    except Exception:  # the route answers it again, errors and all, through its handlers
        return False
    if response is None:
        return False
    scope["route"] = _Route(scope["path"])  # what routing would have matched
    await response(scope, receive, send)
    return True
