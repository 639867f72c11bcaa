"""Creating permanent links is rate-limited per client; reading never is."""

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from app import models as m
from app.config import Settings
from app.main import create_app
from tests.conftest import CYCLE, load


def test_too_many_permalinks_get_429_with_retry_after(engine: Engine, migrated: Settings) -> None:
    load(engine, CYCLE)
    settings = migrated.model_copy(update={"permalink_rate_limit": 3})
    with TestClient(create_app(settings)) as client:
        forms = [{"o": "painted-lanes,protected-lanes", "w": f"safety:{i}"} for i in range(5)]
        codes = [client.post("/c", data=f, follow_redirects=False).status_code for f in forms]
        assert codes == [303, 303, 303, 429, 429]
        r = client.post("/c", data=forms[0], follow_redirects=False)
        assert r.status_code == 429
        retry_after = int(r.headers["retry-after"])
        assert 0 < retry_after <= 60
        assert "at most 3 per 60 seconds" in r.text
        # Reading is never limited.
        assert all(
            client.get("/compare?o=painted-lanes,protected-lanes").status_code == 200
            for _ in range(10)
        )
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(m.Permalink)).one() == 3
