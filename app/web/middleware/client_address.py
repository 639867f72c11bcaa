"""Who the client is, behind trusted proxies."""

from ipaddress import IPv4Address, IPv6Address

from starlette.types import ASGIApp, Receive, Scope, Send

from app.web.middleware.addresses import address, parse_networks


class ClientAddress:
    """The client's address, for the rate limit and the access log. It is the peer's, unless
    the peer is a trusted proxy (APP_TRUSTED_PROXIES): then X-Forwarded-For is read from the
    right, past every trusted proxy, and the first address not trusted is the client. Nothing
    is trusted by default, loopback included (F7); uvicorn's own proxy handling is off."""

    def __init__(self, app: ASGIApp, trusted: str) -> None:
        self.app = app
        self.trusted = parse_networks(trusted)

    def _is_trusted(self, addr: IPv4Address | IPv6Address | None) -> bool:
        return addr is not None and any(addr in net for net in self.trusted)

    def client(self, peer: str, forwarded: list[bytes]) -> str:
        peer_addr = address(peer)
        peer = str(peer_addr) if peer_addr is not None else peer
        if not self.trusted or not self._is_trusted(peer_addr) or not forwarded:
            return peer
        hops = [h for v in forwarded for h in v.decode("latin-1").split(",")]
        client = peer
        for hop in reversed(hops):
            addr = address(hop)
            if addr is None:
                break  # not an address: whoever wrote it is not to be believed further
            client = str(addr)
            if not self._is_trusted(addr):
                break
        return client

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # The outermost middleware: the scope is this request's own, changed in place so that
        # the access log and the rate limit see the client, and the peer stays known.
        peer, port = scope.get("client") or ("unknown", 0)
        scope.setdefault("state", {})["peer"] = peer
        forwarded = [v for k, v in scope["headers"] if k == b"x-forwarded-for"]
        scope["client"] = (self.client(peer, forwarded), port)
        await self.app(scope, receive, send)
