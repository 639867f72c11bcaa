"""Routes, what a stance is about, and why uncertain, through the real app over the default
dataset: pages, JSON twins, filters, compare rows and a permalink frozen before routes."""

import html as htmllib

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.store import models as m
from tests.helpers import one, permalink_code, select, text, texts

# Meloni's option is uncertain by its national route, whose only open step is the Rada's vote:
# the NATO protocol's 30 silent allies no longer decide its headline.
UNCERTAIN_BY_WHY = "6 are uncertain (4 await a vote not yet held and 2 wait on silent veto holders)"


def unescaped(r_text: str) -> str:
    return htmllib.unescape(r_text)


def test_the_headline_says_why_options_are_uncertain(ukraine: TestClient) -> None:
    page = unescaped(ukraine.get("/").text)
    assert UNCERTAIN_BY_WHY in page
    # A card whose only open step is a seat vote nobody has voted on says so.
    assert "no recorded vote yet in the Verkhovna Rada" in page
    assert "0 on record in favour" not in page


def test_a_card_names_the_route_of_its_status(ukraine: TestClient) -> None:
    page = unescaped(ukraine.get("/").text)
    card = one(page, "li#option-un-peacekeeping")
    verdicts = texts(card, 'span[class="verdict-text"]')
    assert any(v.startswith("by the Security Council (the stances of") for v in verdicts)
    assert '; uncertain by the General Assembly under "Uniting for Peace" (' in text(card)


def test_the_option_page_shows_every_route_with_its_steps(ukraine: TestClient) -> None:
    page = unescaped(ukraine.get("/options/un-peacekeeping").text)
    # "routes" links to the glossary (#19.10).
    assert (
        '2 <a class="term" href="/methodology#glossary-route">routes</a>, any one of which suffices'
        in page
    )
    assert 'id="route-security-council"' in page and 'id="route-general-assembly"' in page
    assert "Best route: by the Security Council" in page
    assert "The Assembly can only recommend: it cannot impose a force" in page
    assembly = one(page, "#route-general-assembly")
    assert "1. UN General Assembly" in text(assembly) and "2. Verkhovna Rada" in text(assembly)
    assert "(a vote stances cannot settle)" in text(assembly)
    # The route's sources are cited beside its note.
    assert select(assembly, 'a[href="/sources/unga-res-377-1950-11-03"]')


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_a_stance_about_one_route_says_so(ukraine: TestClient) -> None:
    page = unescaped(ukraine.get("/options/article-5-extension").text)
    assert "About national commitments by the guarantors only." in page
    nato = one(page, "#route-nato-protocol")
    # At the NATO step only Italy supports: the national-route declarations do not count.
    # (Supporters are folded under a count since the option page was shortened.)
    after = [
        s.next_sibling for s in select(nato, "summary") if s.get_text().endswith("1 supporter")
    ]
    assert '<p class="muted">Italy</p>' in [str(p) for p in after]


def test_an_own_statement_shows_beside_the_joint_one_it_outranks(ukraine: TestClient) -> None:
    page = unescaped(ukraine.get("/options/reassurance-force").text)
    assert "Signed the Paris Declaration the same day, but said:" in page


def test_the_veto_json_lists_routes_and_why(ukraine: TestClient) -> None:
    v = ukraine.get("/api/v1/options/us-article-5-like/veto").json()
    assert v["status"] == "uncertain" and v["uncertain_kind"] == "vote-not-held"
    assert v["route"] == "congressional-executive"
    assert [r["route"] for r in v["routes"]] == [
        "congressional-executive",
        "treaty",
        "executive-agreement",
    ]
    executive = v["routes"][2]
    assert [s["body"] for s in executive["steps"]] == ["us-president", "verkhovna-rada"]
    assert executive["steps"][0]["status"] == "clear"
    one = ukraine.get("/api/v1/options/nato-membership/veto").json()
    assert one["status"] == "blocked" and one["uncertain_kind"] is None
    assert [r["route"] for r in one["routes"]] == ["default"]


def test_the_filter_narrows_uncertain_by_why(ukraine: TestClient) -> None:
    r = ukraine.get("/api/v1/options?veto=uncertain-vote-not-held").json()
    assert {o["slug"] for o in r["options"]} == {
        "article-5-extension",
        "reassurance-force",
        "steel-porcupine",
        "us-article-5-like",
    }
    assert {o["veto_why"] for o in r["options"]} == {"vote-not-held"}
    silent = ukraine.get("/api/v1/options?veto=uncertain-silent").json()
    assert {o["veto_route"] for o in silent["options"]} == {"security-council", "default"}
    assert ukraine.get("/api/v1/options?veto=uncertain").json()["count"] == 6
    page = unescaped(ukraine.get("/?veto=uncertain-silent").text)
    assert "Veto status: uncertain silent" in page
    assert (
        '<option value="uncertain-silent" selected>Uncertain: veto holders with no public' in page
    )
    bad = ukraine.get("/api/v1/options?veto=uncertain-bored")
    assert bad.status_code in (400, 422)
    assert ukraine.get("/?veto=uncertain-bored").status_code == 400


def test_compare_rows_follow_the_routes(ukraine: TestClient) -> None:
    snap = ukraine.get("/compare.json?o=un-peacekeeping,nato-membership").json()
    rows = {r["key"]: r for r in snap["rows"]}
    un, nato = rows["veto"]["cells"]
    assert (
        un["route"] == "the Security Council" and un["why"] == "veto holders with no public stance"
    )
    assert nato["route"] == "" and nato["why"] == ""
    path = rows["path"]["cells"][0]
    assert [r["title"] for r in path["routes"]] == [
        "the Security Council",
        'the General Assembly under "Uniting for Peace"',
    ]
    assert path["value"].startswith("the Security Council (uncertain): UN Security Council")
    page = unescaped(ukraine.get("/compare?o=un-peacekeeping,nato-membership").text)
    assert "Or by the General Assembly under" in page


def test_a_permalink_frozen_before_routes_opens_as_one_route(
    ukraine: TestClient, engine: Engine
) -> None:
    r = ukraine.post("/c", data={"o": "un-peacekeeping,nato-membership"}, follow_redirects=False)
    code = permalink_code(r.headers["location"])
    snap = ukraine.get(f"/c/{code}.json").json()
    del snap["permalink"]
    # As stored before routes: no route, why or routes in the cells, and the old path of the
    # UN option (Council, then Assembly, then Rada) as one list.
    for row in snap["rows"]:
        for cell in row["cells"]:
            for key in ("route", "why", "routes"):
                cell.pop(key, None)
    old_steps = [
        {"title": "UN Security Council", "rule": "veto members", "status": "uncertain"},
        {"title": "UN General Assembly", "rule": "two thirds", "status": "uncertain"},
    ]
    path = next(row for row in snap["rows"] if row["key"] == "path")
    path["cells"][0]["steps"] = old_steps
    with Session(engine) as session:
        link = session.get(m.Permalink, code)
        assert link is not None
        link.snapshot = snap
        session.add(link)
        session.commit()
    page = ukraine.get(f"/c/{code}")
    assert page.status_code == 200
    body = unescaped(page.text)
    assert "Or by the General Assembly" not in body
    assert 'UN General Assembly <span class="muted">(two thirds)</span>' in body
    assert ukraine.get(f"/c/{code}.json").json()["rows"]


def test_methodology_explains_routes_and_why_uncertain(ukraine: TestClient) -> None:
    page = unescaped(ukraine.get("/methodology").text)
    assert 'id="routes"' in page and "any one of which suffices" in page
    assert "A stance without a route applies to every route of the option." in page
    assert "A vote not yet held" in page and "Veto holders with no public stance" in page


def test_the_timeline_and_sort_follow_the_best_route(ukraine: TestClient) -> None:
    points = ukraine.get("/api/v1/options/un-peacekeeping/timeline").json()["points"]
    assert points and all(p["reason"].startswith("By the Security Council: ") for p in points)
    assert "Other routes: the General Assembly" in points[-1]["reason"]
    ranked = ukraine.get("/api/v1/options?sort=veto").json()["options"]
    order = ["clear", "uncertain", "blocked", "barred"]
    statuses = [o["veto"] for o in ranked]
    assert statuses == sorted(statuses, key=order.index)
    assert ranked[0]["slug"] == "bilateral-agreements"


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_between_routes_of_one_status_the_nearer_one_counts(ukraine: TestClient) -> None:
    """Both routes of Meloni's option are uncertain. Through NATO, 30 allies are silent and the
    Rada must still vote; nationally, only the Rada's vote is open: the national route is the
    nearer, so it names the option's status. The UN mission keeps the Security Council, whose
    silent members can be counted, over a General Assembly vote stances cannot settle."""
    a5 = ukraine.get("/api/v1/options/article-5-extension/veto").json()
    assert a5["route"] == "national-commitments"
    assert a5["uncertain_kind"] == "vote-not-held"
    nato = next(r for r in a5["routes"] if r["route"] == "nato-protocol")
    assert nato["status"] == "uncertain" and len(nato["uncertain"]) == 30
    un = ukraine.get("/api/v1/options/un-peacekeeping/veto").json()
    assert un["route"] == "security-council"
