"""Per-client limits on the POST paths that write."""

import math
import time
from ipaddress import IPv4Address, IPv6Network
from typing import Any

import anyio
from starlette.types import ASGIApp, Receive, Scope, Send

from app.store import queries
from app.web.middleware.addresses import address
from app.web.middleware.errors import send_error


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
    addr = address(client)
    if addr is None:
        return client
    if isinstance(addr, IPv4Address):
        return str(addr)
    return str(IPv6Network((int(addr) >> 64 << 64, 64)))
