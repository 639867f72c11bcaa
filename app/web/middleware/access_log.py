"""One JSON line per request, a request id, and the request metrics."""

import datetime as dt
import json
import logging
import re
import secrets
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.web.middleware.addresses import address, parse_networks
from app.web.middleware.known_methods import method_label

REQUEST_ID_RE = re.compile(rb"^[A-Za-z0-9._-]{8,64}$")
access_logger = logging.getLogger("explorer.access")


class AccessLog:
    """One JSON line per request on the `explorer.access` logger, with a request id that is
    also sent as X-Request-ID (a well-formed X-Request-ID from a trusted proxy is kept), and the
    Prometheus metrics when they are on (app.serving.metrics)."""

    def __init__(self, app: ASGIApp, trusted: str, metrics: bool) -> None:
        self.app = app
        self.trusted = parse_networks(trusted)
        self.metrics = metrics

    def _request_id(self, scope: Scope) -> bytes:
        peer = address(scope.get("state", {}).get("peer", ""))
        if peer is not None and any(peer in net for net in self.trusted):
            for k, v in scope["headers"]:
                if k == b"x-request-id" and REQUEST_ID_RE.match(v):
                    return bytes(v)
        return secrets.token_hex(16).encode()  # 32 random hex digits, as uuid4().hex was

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = self._request_id(scope)
        scope.setdefault("state", {})["request_id"] = rid.decode()
        start = time.perf_counter()
        status, size = 500, 0

        async def send_logged(message: Message) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid)]
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_logged)
        finally:
            elapsed = time.perf_counter() - start
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            if self.metrics:
                from app.serving import metrics

                metrics.observe_request(method_label(scope["method"]), template, status, elapsed)
            if access_logger.isEnabledFor(logging.INFO):
                access_logger.info(
                    json.dumps(
                        {
                            "time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
                            "request_id": rid.decode(),
                            "client": (scope.get("client") or ("", 0))[0],
                            "method": scope["method"],
                            "path": scope["path"],
                            "query": scope.get("query_string", b"").decode("latin-1")[:512],
                            "route": template,
                            "status": status,
                            "bytes": size,
                            "duration_ms": round(elapsed * 1000, 2),
                        }
                    )
                )
