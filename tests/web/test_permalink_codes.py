"""Permalink codes are keyed by a per-deployment secret (N9), and new links are capped per hour
over all clients together (F2), with a clear 503."""

import base64
import datetime as dt
import hashlib

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.config import Settings
from app.main import create_app
from app.store import models as m
from tests.helpers import CYCLE, load, permalink_code

FORMS = [
    {"o": "painted-lanes,protected-lanes"},
    {"o": "no-change,painted-lanes"},
    {"o": "no-change,protected-lanes"},
    {"o": "painted-lanes,protected-lanes", "w": "safety:5"},
]


def _code(c: TestClient, form: dict[str, str]) -> str:
    r = c.post("/c", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    return permalink_code(str(r.headers["location"]))


def _public_formula(revision: int, query: str) -> str:
    """How codes were made before: anyone could compute one and probe for it."""
    digest = hashlib.sha256(f"{revision}\n{query}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:12]


def test_codes_cannot_be_computed_outside_the_deployment(
    engine: Engine, migrated: Settings
) -> None:
    load(engine, CYCLE)
    with TestClient(create_app(migrated)) as c:
        code = _code(c, FORMS[0])
    assert code != _public_formula(1, "o=painted-lanes,protected-lanes")
    with Session(engine) as session:
        secret = session.get(m.DeploymentSetting, "permalink_secret")
        assert secret is not None and len(secret.value) >= 32


def test_every_instance_of_a_deployment_makes_the_same_code(
    engine: Engine, migrated: Settings
) -> None:
    load(engine, CYCLE)
    with TestClient(create_app(migrated)) as one, TestClient(create_app(migrated)) as two:
        assert _code(one, FORMS[1]) == _code(two, FORMS[1])


def test_another_deployment_makes_another_code(engine: Engine, migrated: Settings) -> None:
    load(engine, CYCLE)
    with TestClient(create_app(migrated)) as c:
        ours = _code(c, FORMS[0])
    theirs = migrated.model_copy(update={"permalink_secret": "another deployment's secret"})
    with TestClient(create_app(theirs)) as c:
        other = _code(c, FORMS[0])
        assert other != ours
        # Both links open: a code is looked up, never recomputed.
        assert c.get(f"/c/{ours}").status_code == 200
        assert c.get(f"/c/{other}").status_code == 200


def test_links_made_with_the_old_codes_still_open(engine: Engine, migrated: Settings) -> None:
    load(engine, CYCLE)
    old = _public_formula(1, "o=painted-lanes,protected-lanes")
    with Session(engine) as session:
        made = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
        session.add(
            m.Permalink(
                code=old, state="o=painted-lanes,protected-lanes", revision=1, created_at=made
            )
        )
        session.commit()
    with TestClient(create_app(migrated)) as c:
        page = c.get(f"/c/{old}")
        assert page.status_code == 200
        assert "Painted lanes" in page.text


def test_new_links_past_the_hourly_cap_get_a_clear_503(engine: Engine, migrated: Settings) -> None:
    load(engine, CYCLE)
    capped = migrated.model_copy(update={"permalink_hourly_cap": 3, "metrics": True})
    with TestClient(create_app(capped)) as c:
        codes = [_code(c, f) for f in FORMS[:3]]
        refused = c.post("/c", data=FORMS[3], follow_redirects=False)
        assert refused.status_code == 503
        assert refused.headers["retry-after"] == "300"
        assert "new ones are paused" in refused.text
        # A link that exists already is no new row: it is still handed out.
        assert _code(c, FORMS[0]) == codes[0]
        assert all(c.get(f"/c/{code}").status_code == 200 for code in codes)
        assert 'explorer_permalinks_refused_total{reason="hourly_cap"}' in c.get("/metrics").text
    with Session(engine) as session:  # an hour later, the window has moved on
        for code in codes:
            row = session.get(m.Permalink, code)
            assert row is not None
            row.created_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=61)
        session.commit()
    with TestClient(create_app(capped)) as c:
        assert c.post("/c", data=FORMS[3], follow_redirects=False).status_code == 303
