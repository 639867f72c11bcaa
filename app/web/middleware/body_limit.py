"""413 to request bodies over the limit."""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.web.middleware.errors import send_error


class BodyLimit:
    """Answer 413 to request bodies over the limit, before anything parses them."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def _reject(self, scope: Scope, send: Send) -> None:
        msg = f"The request body is larger than {self.max_bytes} bytes."
        await send_error(scope, send, 413, "too_large", "Request too large", msg)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            # int() refuses thousands of digits; 15 are enough to tell (the body is counted too).
            if name == b"content-length" and value.isdigit() and int(value[:15]) > self.max_bytes:
                await self._reject(scope, send)
                return
        # A body without (or lying about) its length is counted as it arrives.
        chunks: list[Message] = []
        size = 0
        while True:
            message = await receive()
            chunks.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > self.max_bytes:
                await self._reject(scope, send)
                return
            if not message.get("more_body"):
                break

        async def replay() -> Message:
            return chunks.pop(0) if chunks else await receive()

        await self.app(scope, replay, send)
