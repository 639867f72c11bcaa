"""The answer a middleware gives when it refuses a request, before the app runs."""

import html
import json

from starlette.types import Scope, Send


async def send_error(
    scope: Scope,
    send: Send,
    status: int,
    code: str,
    title: str,
    message: str,
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    """An error answered before the app runs: the shared JSON shape under /api/, else a page."""
    if scope["path"].startswith("/api/"):
        body = json.dumps({"error": {"code": code, "message": message, "field": None}}).encode()
        ctype = b"application/json"
    else:
        body = (
            f"<!doctype html><html lang=en><meta charset=utf-8><title>{title}</title>"
            f"<h1>{title}</h1><p>{html.escape(message)}</p>"
            "<p><a href=/>Back to all options</a></p></html>"
        ).encode()
        ctype = b"text/html; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", ctype),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
