"""The second-round decision model through the real app: pages, JSON and CSV twins, `at=`,
`/changes` and its Atom feed, and permalinks made before the change."""

import datetime as dt
import json
from pathlib import Path

import feedparser
import pytest
from bs4 import Tag
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.config import Settings
from app.dataset.check import load_dataset
from app.main import create_app
from app.ops.cli import main
from app.store import models as m
from app.store.load import import_dataset
from tests.helpers import CYCLE, FLOOD, attrs, first, load, one, permalink_code, select, text, texts


def stance_row(html: str, head: str) -> Tag:
    """The first stance row whose heading starts with these words."""
    rows = [h.find_parent("li") for h in select(html, '[class="stance-head"]')]
    found = [r for r in rows if r and text(first(r, ".stance-head")).startswith(head)]
    assert found, head
    return found[0]


def test_option_page_shows_barred_and_what_would_have_to_change(flood: TestClient) -> None:
    html = flood.get("/options/river-diversion").text
    assert "Barred" in html and "veto-barred" in html
    assert "Flood emergency would have to end (in force since" in html
    assert "2 March 2023" in html
    assert 'href="/options/river-diversion?assume=flood-emergency:lifted"' in html
    lifted = flood.get("/options/river-diversion?assume=flood-emergency:lifted").text
    assert "veto-barred" not in lifted


def test_seat_vote_arithmetic_and_joint_statements_show(flood: TestClient) -> None:
    html = flood.get("/options/sea-wall").text
    assert "needs 31 of 60 votes (a majority of all seats); 43 on record in favour" in html
    assert "<strong>passes</strong>" in html
    # A joint statement is one row, its signatories folded beneath it.
    # One of the compact's four signatories has spoken since: the row says so.
    compact = stance_row(html, "The Harbour Compact · ")
    assert "3 of its 4 signatories (the others" in text(compact)
    html = flood.get("/options/tidal-barrier").text
    letter = stance_row(html, "A joint letter · ")
    assert any(t.endswith("2 signatories") for t in texts(letter, "summary"))
    assert "so it cannot pass." in html
    who = flood.get("/stakeholders/liberals").text
    assert "Via the Harbour Compact (4 signatories)." in who and "2023" in who


def test_dates_show_at_their_precision(flood: TestClient) -> None:
    html = flood.get("/stakeholders/conservatives").text
    assert '<time datetime="2024-01">January 2024</time>' in html
    assert ">2023</time>" not in html or '<time datetime="2023">2023</time>' in html
    src = flood.get("/sources/council-roll").text
    assert '<time datetime="2024-01">January 2024</time>' in src
    stances = flood.get("/api/v1/stances?stakeholder=conservatives").json()["stances"]
    by_option = {(s["option"], s["date"]): s for s in stances}
    assert by_option[("sea-wall", "2024-01")]["date_precision"] == "month"
    joint = by_option[("sea-wall", "2023")]
    assert (joint["date_precision"], joint["via"], joint["signatories"]) == (
        "year",
        "the Harbour Compact",
        4,
    )
    assert flood.get("/api/v1/sources/compact").json()["date"] == "2023"


def test_barred_is_a_filter_and_sorts_last(flood: TestClient) -> None:
    cards = text(one(flood.get("/?veto=barred").text, 'ol[class="cards"]'))
    assert "Divert the river" in cards and "Raise the sea wall" not in cards
    data = flood.get("/api/v1/options?sort=veto").json()
    assert [o["veto"] for o in data["options"]] == ["clear", "uncertain", "blocked", "barred"]
    assert '<option value="barred"' in flood.get("/").text
    veto = flood.get("/api/v1/options/river-diversion/veto").json()
    assert veto["status"] == "barred"
    assert veto["bars"][0]["condition"] == "flood-emergency"
    assert veto["steps"][1]["vote"]["need"] == 40


def test_at_shows_the_dossier_as_it_stood(flood: TestClient) -> None:
    html = flood.get("/options/river-diversion?at=2022-06-01").text
    assert 'As it stood on <time datetime="2022-06-01">1 June 2022</time>' in html
    assert "veto-barred" not in html
    assert 'href="/options/river-diversion">Back to today</a>' in html
    listed = flood.get("/api/v1/options?at=2022-06-01").json()
    assert {o["slug"]: o["veto"] for o in listed["options"]}["river-diversion"] == "clear"
    assert listed["query"] == "at=2022-06-01"
    for path in ("/", "/matrix", "/stakeholders", "/sources", "/compare?o=sea-wall,tidal-barrier"):
        r = flood.get(f"{path}{'&' if '?' in path else '?'}at=2023-06-01")
        assert r.status_code == 200 and "As it stood on" in r.text, path


@pytest.mark.parametrize(
    ("at", "message"),
    [
        ("2021-12-31", "must be a date from 2022-01-01 (the first record) to"),
        ((dt.date.today() + dt.timedelta(days=1)).isoformat(), "(today), not"),
        ("2023-02-30", "must be a date written YYYY-MM-DD"),
        ("yesterday", "must be a date written YYYY-MM-DD"),
    ],
)
def test_at_outside_the_record_is_a_400_naming_the_range(
    flood: TestClient, at: str, message: str
) -> None:
    for path in ("/", "/options/sea-wall", "/api/v1/options", "/stakeholders"):
        r = flood.get(path, params={"at": at})
        assert r.status_code == 400, path
        assert message in r.text, path


def test_timeline_api(flood: TestClient) -> None:
    t = flood.get("/api/v1/options/river-diversion/timeline").json()
    assert [(p["date"], p["status"]) for p in t["points"]] == [
        ("2022-01-01", "clear"),
        ("2023-03-02", "barred"),
    ]
    assert flood.get("/api/v1/options/nope/timeline").status_code == 404
    holders = flood.get("/api/v1/options/sea-wall/timeline").json()["holders"]
    cons = next(h for h in holders if h["stakeholder"] == "conservatives")
    assert [(s["date"], s["position"]) for s in cons["stances"]] == [("2023", 1), ("2024-01", -1)]


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_changes_page_and_atom_feed(engine: Engine, migrated: Settings, tmp_path: Path) -> None:
    load(engine, FLOOD)
    edited = FLOOD.read_text().replace(
        "{stakeholder: greens, option: tidal-barrier, date: 2024-02-10, position: 2,",
        "{stakeholder: greens, option: tidal-barrier, date: 2024-02-10, position: 1,",
    )
    path = tmp_path / "flood.yaml"
    path.write_text(edited)
    with Session(engine) as session:
        result = import_dataset(session, load_dataset(path), note="Greens softened their support.")
    assert result.changed
    with TestClient(create_app(migrated)) as c:
        html = c.get("/changes").text
        assert "Revision 2" in html and "Greens softened their support." in html
        assert "Green group" in html and "Strongly supports (2024-02-10)" in html
        assert html.index("Revision 2") < html.index("Revision 1")
        assert 'href="/changes.atom"' in c.get("/").text  # every page links the feed
        r = c.get("/changes.atom")
        assert r.headers["content-type"].startswith("application/atom+xml")
        feed = feedparser.parse(r.content)
        assert not feed.bozo, feed.bozo_exception
        assert feed.feed.title == "Westmoor flood defences: what changed"
        assert [e.title for e in feed.entries] == ["Revision 2: 1 change", "Revision 1: first load"]
        assert "Supports (2024-02-10)" in feed.entries[0].content[0].value
        api = c.get("/api/v1/changes").json()["revisions"]
        assert api[0]["note"] == "Greens softened their support."
        assert api[0]["changes"][0]["row"] == "Green group"


def test_load_note_from_the_command_line(migrated: Settings) -> None:
    # The db_url fixture points the CLI's settings at this test's database.
    result = CliRunner().invoke(main, ["load", str(CYCLE), "--note", "First cut."])
    assert result.exit_code == 0, result.output
    with TestClient(create_app(migrated)) as c:
        assert "First cut." in c.get("/changes").text


def test_a_permalink_made_before_the_change_still_renders(
    engine: Engine, migrated: Settings
) -> None:
    load(engine, FLOOD)
    with TestClient(create_app(migrated)) as c:
        r = c.post("/c", data={"o": "sea-wall,tidal-barrier"}, follow_redirects=False)
        code = permalink_code(r.headers["location"])
        shown = c.get(f"/c/{code}.json").json()
        del shown["permalink"]
    with Session(engine) as session:
        link = session.get(m.Permalink, code)
        assert link is not None
        # Snapshots stored before partial dates held full ISO dates only: write one back.
        snap = json.loads(json.dumps(shown).replace('"date": "2023"', '"date": "2023-01-01"'))
        assert snap != shown
        link.snapshot = snap
        session.add(link)
        session.commit()
    edited = FLOOD.read_text().replace(
        "position: -1, summary: The Conservatives", "position: -2, summary: The Conservatives"
    )
    with Session(engine) as session:
        import_dataset(session, load_dataset_text(edited))
    with TestClient(create_app(migrated)) as c:
        html = c.get(f"/c/{code}").text
        assert "Since this link was created" in html
        assert "Opposes (2024-01)" in html and "Strongly opposes (2024-01)" in html


def load_dataset_text(text: str):  # type: ignore[no-untyped-def]
    from app.dataset.check import validate_text

    ds, problems = validate_text(text)
    assert not problems, problems
    return ds


def test_a_permalink_keeps_the_day_it_was_made_for(flood: TestClient) -> None:
    # The sea wall was first proposed in 2023: on 1 June 2022 it cannot be compared.
    early = flood.post("/c", data={"o": "sea-wall,river-diversion", "at": "2022-06-01"})
    assert early.status_code == 400
    assert "sea-wall was not yet proposed on 1 June 2022 (first proposed on 2023)" in early.text
    r = flood.post(
        "/c",
        data={"o": "tidal-barrier,river-diversion", "at": "2022-06-01"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    html = flood.get(r.headers["location"]).text
    assert 'shown as it stood on <time datetime="2022-06-01">1 June 2022</time>' in html
    snap = flood.get(r.headers["location"] + ".json").json()
    assert snap["at"] == "2022-06-01" and "at=2022-06-01" in snap["query"]
    veto = next(row for row in snap["rows"] if row["key"] == "veto")
    assert [c["status"] for c in veto["cells"]] == ["uncertain", "clear"]  # not barred in 2022
    assert (
        flood.post("/c", data={"o": "sea-wall,river-diversion", "at": "1999-01-01"}).status_code
        == 400
    )


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_a_load_without_note_records_the_files_revision_note(migrated: Settings) -> None:
    result = CliRunner().invoke(main, ["load"])  # the default dataset
    assert result.exit_code == 0, result.output
    with TestClient(create_app(migrated)) as c:
        latest = c.get("/api/v1/changes").json()["revisions"][0]
        assert latest["note"].startswith("Re-sourced and updated to 5 July 2026")
        assert "Re-sourced and updated to 5 July 2026" in c.get("/changes").text


def what_if_links(html: str) -> dict[str, str]:
    found = ((text(a), attrs(a).get("href", "")) for a in select(html, "a"))
    return {words: href for words, href in found if words.startswith("What if")}


def test_what_if_links_keep_earlier_hypotheses_and_the_day(flood: TestClient) -> None:
    # The review's bug: `?assume=hu:0&at=2025-03-01` linked to `?assume=de:0`, dropping both.
    page = "/options/river-diversion?assume=mayor:unknown&at=2024-06-01"
    links = what_if_links(flood.get(page).text)
    assert links["What if flood emergency ended?"] == (
        "/options/river-diversion?assume=flood-emergency:lifted,mayor:unknown&at=2024-06-01"
    )
    assert links, "the page offers what-if links"
    for href in links.values():
        assert "mayor:unknown" in href and href.endswith("&at=2024-06-01"), href
    shown = flood.get(links["What if flood emergency ended?"])
    assert shown.status_code == 200 and "veto-barred" not in shown.text
