"""uvicorn, guarded for facing the internet (F8).

- Request heads are capped at MAX_HEADER_BYTES (431). h11 parses requests, because it caps a
  head that is still arriving (`h11_max_incomplete_event_size`); httptools, uvicorn's default
  when installed, accepted a 50 MB header. A whole head read at once is measured here.
- A request head must arrive within `head_timeout` seconds of the connection opening (or of
  its first byte, on a kept-alive connection); uvicorn itself never closes a connection that
  starts a request and stops sending, so thousands could be held open.
- `limit_concurrency` bounds connections and tasks (503 beyond it), and idle keep-alive
  connections close after `timeout_keep_alive` seconds.
- `--workers N` runs N processes on one socket. Whatever they must share lives in the database
  (permalinks, rate-limit counters, the dataset revision); each keeps its own page cache, keyed
  by revision.

What uvicorn cannot do (a slow *body*, a client reading its answer slowly, many connections
from one address) is the reverse proxy's job: deploy/nginx.conf.
"""

import asyncio
import atexit
import ctypes
import logging
import os
import shutil
import tempfile
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

MAX_HEADER_BYTES = 16_384
HEAD_TIMEOUT = 10.0
KEEP_ALIVE = 5
LIMIT_CONCURRENCY = 1_000
TOO_LARGE = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
    b"content-type: text/plain; charset=utf-8\r\ncontent-length: 31\r\nconnection: close\r\n\r\n"
    b"Request header fields too large"
)


class GuardedH11Protocol(H11Protocol):
    head_timeout: float = HEAD_TIMEOUT
    _head_timer: asyncio.TimerHandle | None = None

    # uvicorn annotates this parameter as asyncio.Transport where asyncio's base has BaseTransport.
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]  # uvicorn's annotation
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self.conn.their_state is h11.IDLE and self._head_too_large(data):
            self.transport.write(TOO_LARGE)
            self.transport.close()
            return
        super().data_received(data)
        if self.conn.their_state is h11.IDLE:
            self._arm()  # a head has started (or not) and is not complete
        else:
            self._disarm()

    def _head_too_large(self, data: bytes) -> bool:
        pending = self.conn.trailing_data[0] + data  # h11 keeps at most MAX_HEADER_BYTES
        end = pending.find(b"\r\n\r\n")
        return (end if end >= 0 else len(pending)) > MAX_HEADER_BYTES

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(self.head_timeout, self._head_timed_out)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.conn.their_state is h11.IDLE:  # still no complete request head
            self.transport.close()


class ConfiguredH11Protocol(GuardedH11Protocol):
    """The head timeout from APP_HEADER_TIMEOUT, read in each worker process: a class defined
    at module level, because `--workers` sends the configuration to fresh processes."""

    # uvicorn annotates this parameter as asyncio.Transport where asyncio's base has BaseTransport.
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]  # uvicorn's annotation
        self.head_timeout = float(os.environ.get("APP_HEADER_TIMEOUT", HEAD_TIMEOUT))
        super().connection_made(transport)


def log_config(access_log: bool) -> dict[str, Any]:
    """uvicorn's own messages at WARNING; the app's JSON access lines (explorer.access) bare
    on stdout, one per line. uvicorn's access log is off: ours has the request id."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "plain": {"format": "%(message)s"},
            "default": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        },
        "handlers": {
            "access": {
                "class": "logging.StreamHandler",
                "formatter": "plain",
                "stream": "ext://sys.stdout",
            },
            "default": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "stream": "ext://sys.stderr",
            },
        },
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": "WARNING", "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            "explorer.access": {
                "handlers": ["access"],
                "level": "INFO" if access_log else "WARNING",
                "propagate": False,
            },
        },
    }


# glibc gives each thread that allocates its own malloc arena, up to 8 per core; with the
# threadpool rendering large pages at once, memory freed in one arena is not reused by the
# next, and resident memory grows by tens of MB. Two arenas keep it flat (see `make bench`).
MALLOC_ARENAS = 2
M_ARENA_MAX = -8  # glibc's malloc.h
# glibc raises its mmap threshold each time a large block is freed (up to 32 MB), after which
# rendered pages (50-200 KB strings) land in the heap between small objects and pin it. A
# fixed threshold keeps them in their own mappings, returned to the system when freed.
MMAP_THRESHOLD = 128 << 10
M_MMAP_THRESHOLD = -3


def few_malloc_arenas() -> None:
    """Cap glibc's malloc arenas and fix its mmap threshold: for this process (mallopt), and
    for worker processes, which glibc configures from the environment when they start."""
    os.environ.setdefault("MALLOC_ARENA_MAX", str(MALLOC_ARENAS))
    os.environ.setdefault("MALLOC_MMAP_THRESHOLD_", str(MMAP_THRESHOLD))
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc (musl, macOS): nothing to cap
        return
    libc.mallopt(M_ARENA_MAX, int(os.environ["MALLOC_ARENA_MAX"]))
    libc.mallopt(M_MMAP_THRESHOLD, int(os.environ["MALLOC_MMAP_THRESHOLD_"]))


def lean_log_records() -> None:
    """Log records without what no line of ours prints: the thread, process and caller's
    file (the logging HOWTO's "Optimization" flags). The access log writes a record for
    every request, and finding its caller alone cost more than writing its JSON."""
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    logging._srcfile = None


def run(
    host: str,
    port: int,
    *,
    head_timeout: float = HEAD_TIMEOUT,
    workers: int = 1,
    access_log: bool = True,
    metrics: bool = False,
    target: str = "app.main:app_from_env",  # `make bench` serves its yardstick app alike
    factory: bool = True,
) -> None:
    """Production settings: see the module's docstring. X-Forwarded-For is read by the app,
    from APP_TRUSTED_PROXIES only (app.web.middleware.client_address), so uvicorn's proxy
    handling, which believes any loopback peer, is off."""
    import uvicorn

    os.environ["APP_HEADER_TIMEOUT"] = str(head_timeout)
    few_malloc_arenas()
    if metrics and workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Every worker writes its numbers here; /metrics adds them up (app.serving.metrics).
        path = tempfile.mkdtemp(prefix="explorer-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = path
        atexit.register(shutil.rmtree, path, ignore_errors=True)
    uvicorn.run(
        target,
        factory=factory,
        host=host,
        port=port,
        workers=workers,
        log_config=log_config(access_log),
        log_level="warning",
        access_log=False,
        proxy_headers=False,
        server_header=False,
        http=ConfiguredH11Protocol,
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
        timeout_keep_alive=KEEP_ALIVE,
        limit_concurrency=LIMIT_CONCURRENCY,
        timeout_graceful_shutdown=10,
    )
