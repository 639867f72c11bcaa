"""Images cost CPU to draw (90-250 ms each), so nothing a client adds to a URL may make one be
drawn again (N3), and a process draws only a few at once, answering 503 past that."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.config import Settings
from app.main import create_app
from tests.helpers import CYCLE, load, permalink_code

PAIR = "painted-lanes,protected-lanes"


def _code(client: TestClient) -> str:
    r = client.post("/c", data={"o": PAIR}, follow_redirects=False)
    return permalink_code(str(r.headers["location"]))


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
@pytest.mark.parametrize(
    "path",
    [
        "/options/painted-lanes/preview.png",
        "/options/painted-lanes/scores.png",
        "/options/painted-lanes/timeline.svg",
        "/options/painted-lanes",
        "/preview.png",
        "/c/{code}",
        "/embed/c/{code}",
        "/c/{code}/preview.png",
        "/c/{code}/ranks.png",
        "/c/{code}/scores/painted-lanes.png",
    ],
)
def test_an_unknown_parameter_is_a_400_naming_it_not_a_new_image(
    client: TestClient, path: str
) -> None:
    url = path.format(code=_code(client)) if "{code}" in path else path
    assert client.get(url).status_code == 200
    r = client.get(url + "?r=123")
    assert r.status_code == 400
    assert "r: is not a parameter of this page" in r.text


def test_an_options_charts_still_take_the_day(client: TestClient) -> None:
    r = client.get("/options/painted-lanes/preview.png?at=2024-01-01")
    assert r.status_code in (200, 400)  # 400 only where the day is outside the data
    assert "is not a parameter" not in r.text


def test_images_past_the_drawing_limit_get_503_with_retry_after(
    engine: Engine, migrated: Settings
) -> None:
    load(engine, CYCLE)
    with TestClient(create_app(migrated.model_copy(update={"image_renders": 1}))) as c:
        slots = c.app.state.image_slots  # type: ignore[attr-defined]
        assert slots.acquire(timeout=1)  # another request is drawing
        try:
            busy = c.get("/options/painted-lanes/preview.png")
            assert busy.status_code == 503
            assert busy.headers["retry-after"] == "2"
            assert "Too many images" in busy.text
            # A page or an SVG is not an image to draw: it still answers.
            assert c.get("/options/painted-lanes/scores.svg").status_code == 200
        finally:
            slots.release()
        drawn = c.get("/options/painted-lanes/preview.png")
        assert drawn.status_code == 200 and drawn.content.startswith(b"\x89PNG")
        # A cached image needs no slot.
        assert slots.acquire(timeout=1)
        try:
            assert c.get("/options/painted-lanes/preview.png").status_code == 200
        finally:
            slots.release()
