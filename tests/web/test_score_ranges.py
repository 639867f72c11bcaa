"""One range rule: an end of a score's range that the file leaves out is the score itself, and
every page says so the same way."""

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.config import Settings
from app.dataset.check import load_dataset
from app.main import create_app
from app.store.load import import_dataset
from tests.helpers import CYCLE

PAINTED = "safety: {score: 2, confidence: medium,"


def test_a_range_with_one_end_shows_on_the_option_page_as_on_the_comparison(
    engine: Engine, migrated: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "cycle.yaml"
    assert PAINTED in CYCLE.read_text()
    path.write_text(
        CYCLE.read_text().replace(PAINTED, "safety: {score: 2, high: 3, confidence: medium,")
    )
    with Session(engine) as session:
        import_dataset(session, load_dataset(path))
    with TestClient(create_app(migrated)) as c:
        option = c.get("/options/painted-lanes").text
        compare = c.get("/compare?o=painted-lanes,protected-lanes").text
    assert '<span class="range">(range 2–3)</span>' in compare
    assert '<span class="range">(range 2–3)</span>' in option
