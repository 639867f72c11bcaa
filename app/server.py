"""uvicorn, guarded for facing the internet (F8).

- Request heads are capped at MAX_HEADER_BYTES (431). h11 parses requests, because it caps a
  head that is still arriving (`h11_max_incomplete_event_size`); httptools, uvicorn's default
  when installed, accepted a 50 MB header. A whole head read at once is measured here.
- A request head must arrive within `head_timeout` seconds of the connection opening (or of
  its first byte, on a kept-alive connection); uvicorn itself never closes a connection that
  starts a request and stops sending, so thousands could be held open.
- `limit_concurrency` bounds connections and tasks (503 beyond it), and idle keep-alive
  connections close after `timeout_keep_alive` seconds.
"""

import asyncio

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

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
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


def run(host: str, port: int, *, head_timeout: float = HEAD_TIMEOUT) -> None:
    import uvicorn

    protocol = type("Protocol", (GuardedH11Protocol,), {"head_timeout": head_timeout})
    uvicorn.run(
        "app.main:app_from_env",
        factory=True,
        host=host,
        port=port,
        log_level="warning",
        http=protocol,
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
        timeout_keep_alive=KEEP_ALIVE,
        limit_concurrency=LIMIT_CONCURRENCY,
    )
