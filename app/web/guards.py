"""Guards that run before a route renders: the parameters it takes, and a slot for drawing an
image. Cheap refusals first, so a request cannot buy CPU with a query string."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import Request

from app.errors import Busy

# Re-exported: the pages' routers name the parameters they take with it (app/serving/deps.py).
from app.serving.deps import takes as takes


class RenderBusy(Busy):
    retry_after = 2


def image_slots(limit: int) -> threading.BoundedSemaphore:
    return threading.BoundedSemaphore(max(1, limit))


@contextmanager
def image_slot(request: Request) -> Iterator[None]:
    """Draw at most `APP_IMAGE_RENDERS` images at once per process; past that, 503 at once
    (with Retry-After) rather than a queue that holds every worker's thread."""
    slots: threading.BoundedSemaphore = request.app.state.image_slots
    if not slots.acquire(timeout=0.25):
        raise RenderBusy("Too many images are being drawn right now. Try again in a moment.")
    try:
        yield
    finally:
        slots.release()
