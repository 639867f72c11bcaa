"""Permanent links stay small (F2): a row holds the state and the revision, and the comparison
is rebuilt from the revision's stored dataset, exactly as it was shown."""

import datetime as dt
from unittest.mock import ANY

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.analysis.compare import comparison_snapshot
from app.analysis.snapshot import SNAPSHOT_VERSION
from app.config import Settings
from app.main import create_app
from app.store import models as m
from app.store import queries
from app.store.permalinks import materialise
from tests.helpers import CYCLE, DATA, load, permalink_code
from tests.permalink_bytes import measure

FLOOD = DATA / "flood-defences.yaml"
STATES = [
    {"o": "painted-lanes,protected-lanes"},
    {"o": "protected-lanes,painted-lanes,no-change", "w": "safety:5,cost:0"},
    {"o": "painted-lanes,protected-lanes", "assume": "shops:2"},
]


def _create(client: TestClient, form: dict[str, str]) -> str:
    r = client.post("/c", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    return permalink_code(r.headers["location"])


def _row(engine: Engine, code: str) -> m.Permalink:
    with Session(engine) as session:
        row = session.get(m.Permalink, code)
        assert row is not None
        session.expunge(row)
        return row


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
@pytest.mark.parametrize("form", STATES)
def test_a_new_link_stores_state_and_revision_only(
    client: TestClient, engine: Engine, form: dict[str, str]
) -> None:
    live = client.get("/compare.json", params=form).json()
    code = _create(client, form)
    row = _row(engine, code)
    assert row.snapshot is None
    assert row.snapshot_version == SNAPSHOT_VERSION
    assert row.revision == live["revision"]
    # Rebuilt, it is what the compare page showed when the link was made.
    shown = client.get(f"/c/{code}.json").json()
    assert shown == {**live, "permalink": f"/c/{code}"}
    api = client.get(f"/api/v1/permalinks/{code}").json()
    assert api["snapshot"]["query"] == live["query"]


def test_links_render_as_they_were_after_later_loads(client: TestClient, engine: Engine) -> None:
    codes = [_create(client, form) for form in STATES]
    before = {c: (client.get(f"/c/{c}.json").json(), client.get(f"/c/{c}.csv").text) for c in codes}
    changed = CYCLE.read_text().replace("score: 4", "score: 3", 1)
    path = CYCLE.parent.parent.parent / "tmp-cycle.yaml"
    try:
        path.write_text(changed)
        assert load(engine, path) == 2
    finally:
        path.unlink()
    for c in codes:
        assert (client.get(f"/c/{c}.json").json(), client.get(f"/c/{c}.csv").text) == before[c]
        page = client.get(f"/c/{c}")
        assert page.status_code == 200 and "revision 1" in page.text


def test_at_is_rebuilt_on_that_day(engine: Engine, migrated: Settings) -> None:
    load(engine, FLOOD)
    with TestClient(create_app(migrated)) as c:
        # (The sea wall, first proposed in 2023, cannot be compared on that day.)
        form = {"o": "river-diversion,tidal-barrier", "at": "2022-06-01"}
        live = c.get("/compare.json", params=form)
        assert live.status_code == 200, live.text
        code = _create(c, form)
        assert _row(engine, code).snapshot is None
        assert c.get(f"/c/{code}.json").json() == {**live.json(), "permalink": f"/c/{code}"}


def test_a_comparison_that_a_rebuild_would_change_is_stored(
    client: TestClient, engine: Engine
) -> None:
    """If the page a reader saw is not what the rebuild gives (a process whose index is days
    old, say), the row keeps what was shown."""
    site = client.get("/healthz").json()["revision"]
    with Session(engine) as session:
        state = "o=painted-lanes,protected-lanes"
        ds = queries.dataset(session, revision=site)
        assert ds is not None
        shown = client.get(f"/compare.json?{state}").json()
        shown["options"][0]["title"] = "As the reader saw it"
        link = m.Permalink(
            code="seenbefore01",
            state=state,
            revision=site,
            snapshot=shown,
            created_at=dt.datetime.now(dt.UTC),
        )
        queries.save_permalink(session, link=link, caches=client.app.state.permalinks)
    assert _row(engine, "seenbefore01").snapshot == shown
    assert "As the reader saw it" in client.get("/c/seenbefore01").text


def test_rows_made_before_keep_their_stored_comparison(client: TestClient, engine: Engine) -> None:
    code = _create(client, STATES[1])
    stored = client.get(f"/c/{code}.json").json()
    del stored["permalink"]
    stored["options"][1]["title"] = "Stored long ago"
    with Session(engine) as session:
        row = session.get(m.Permalink, code)
        assert row is not None
        row.snapshot = stored
        session.add(row)
        session.commit()
    fresh = TestClient(create_app(client.app.state.settings))  # no cached page
    assert "Stored long ago" in fresh.get(f"/c/{code}").text
    assert fresh.get(f"/c/{code}.json").json()["options"][1]["title"] == "Stored long ago"


def test_materialise_writes_the_rebuilt_comparison(client: TestClient, engine: Engine) -> None:
    """What the downgrade to the schema before small links does first."""
    codes = [_create(client, form) for form in STATES]
    shown = {c: client.get(f"/c/{c}.json").json() for c in codes}
    with Session(engine) as session:
        assert materialise(session) == len(codes)
        session.commit()
        rows = session.exec(select(m.Permalink)).all()
        for r in rows:
            assert r.snapshot is not None
            # What the link showed, less what the export adds around the snapshot.
            export_only = {"permalink": f"/c/{r.code}", "rank_chances": ANY}
            assert {**r.snapshot, **export_only} == shown[r.code]


def test_rebuild_matches_the_snapshot_made_from_the_site_index(
    client: TestClient, engine: Engine
) -> None:
    assert client.get("/").status_code == 200
    site = client.app.state.site
    with Session(engine) as session:
        from app.state import parse_compare
        from app.store.permalinks import Caches, rebuild

        for form in STATES:
            state = parse_compare(list(form.items()), site.vocab)
            made = comparison_snapshot(site.index, state, revision=site.revision.number)
            again = rebuild(
                session,
                Caches(),
                revision=site.revision.number,
                state=state.query(),
                made=dt.datetime.now(dt.UTC),
            )
            assert again == made


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_bytes_per_permalink(ukraine: TestClient, engine: Engine, migrated: Settings) -> None:
    """Six-option comparisons of the default dataset: about 100 KB each before (30 KB once
    PostgreSQL has compressed it), now a few hundred bytes."""
    r = measure(engine, migrated, n=20)
    assert r.before > 20_000
    assert r.after < 400
