"""Honest time travel and what bars an option, through the real app: the date control on every
page works without JavaScript, options not yet proposed on an `at=` day are left out, a
permalink shows the date of the data it froze, and "barred" names the condition and the law
with blockers listed apart."""

import re
from dataclasses import dataclass

import pytest
import yaml
from bs4 import Tag
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.analysis.index import build_index, veto_for
from app.config import Settings
from app.dataset.check import validate_text
from app.main import create_app
from app.store.load import import_dataset
from app.views.verdict import verdict
from tests.helpers import FLOOD, attr, attrs, card, cards, first, load, one, select, text


@dataclass
class DateForm:
    """The date control's fields as a browser sends them, and its date input's attributes."""

    action: str | None
    method: str | None
    hidden: list[tuple[str, str]]
    date: dict[str, str]


def date_form(html: str) -> DateForm:
    form = one(html, "form#date-control")  # one date control per page
    return DateForm(
        action=form.get("action"),  # type: ignore[arg-type]
        method=form.get("method"),  # type: ignore[arg-type]
        hidden=[
            (attr(i, "name"), i.get("value", "")) for i in select(form, 'input[type="hidden"]')
        ],  # type: ignore[misc]
        date=attrs(one(form, 'input[type="date"]')),
    )


def blockers_first_words(line: Tag) -> bool:
    """The line starts "Blockers: " and names Hungary before any markup."""
    words = line.find(string=True)
    return words is not None and words.startswith("Blockers: ") and "Hungary" in words


def submit(c: TestClient, f: DateForm, day: str):  # type: ignore[no-untyped-def]
    """What a browser without JavaScript does: GET the action with every field of the form."""
    assert f.method == "get" and f.action
    return c.get(f.action, params=[*f.hidden, ("at", day)])


PAGES = [
    "/?category=guarantee&sort=title",
    "/matrix?veto=blocked",
    "/options/nato-membership?assume=hu:0",
    "/compare?o=nato-membership,eu-membership&w=speed:5",
    "/stakeholders",
    "/sources",
    "/changes",
    "/methodology",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_a_date_control_that_works_without_javascript(
    ukraine: TestClient, path: str
) -> None:
    f = date_form(ukraine.get(path).text)
    assert f.date["name"] == "at" and f.date["max"] and f.date["min"]
    assert f.action == path.split("?")[0]
    kept = dict(f.hidden)
    if "?" in path:  # the page's own state rides along in hidden fields, never `at`
        for pair in path.split("?")[1].split("&"):
            k, v = pair.split("=")
            assert kept[k] == v, (path, k)
    assert "at" not in kept
    r = submit(ukraine, f, "2025-06-12")
    assert r.status_code == 200, (path, r.text[:300])
    assert 'As it stood on <time datetime="2025-06-12">12 June 2025</time>' in r.text
    again = date_form(r.text)
    assert again.date["value"] == "2025-06-12" and dict(again.hidden) == kept


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_the_date_control_goes_no_earlier_than_the_options_shown(ukraine: TestClient) -> None:
    f = date_form(ukraine.get("/options/eu-associate-membership").text)
    assert f.date["min"] == "2026-05-21"
    assert (
        "was first proposed on 21 May 2026" in ukraine.get("/options/eu-associate-membership").text
    )
    home = date_form(ukraine.get("/").text)
    assert home.date["min"] == "1994-12-04"  # the first record of the dossier


def test_options_not_yet_proposed_are_left_out_on_an_early_day(ukraine: TestClient) -> None:
    html = ukraine.get("/?at=2022-06-01").text
    shown = {
        attr(li, "id").removeprefix("option-")
        for li in select(html, 'li[class^="card "][id^="option-"]')
    }
    # Proposed by then: NATO and EU membership (2022), Istanbul neutrality (2022), and the
    # Budapest-style assurances, whose proposal date the dossier does not give.
    assert shown == {
        "nato-membership",
        "eu-membership",
        "neutrality-with-guarantors",
        "budapest-assurances",
    }
    assert "Not yet proposed that day, so left out:" in html
    assert (
        "Article 5-style guarantee without NATO membership (Meloni proposal)</a> "
        "(first proposed on 2 March 2025)" in html
    )
    assert "Scores and legal hurdles are today’s judgement" in html
    assert "Of 4 options" in html and "Of 11 options" not in html
    # No veto status anywhere for them: not in the API, and their own page says why.
    api = ukraine.get("/api/v1/options?at=2022-06-01").json()
    assert "article-5-extension" not in {o["slug"] for o in api["options"]}
    r = ukraine.get("/options/article-5-extension?at=2022-06-01")
    assert r.status_code == 404
    assert "was not yet proposed on 1 June 2022 (first proposed on 2 March 2025)" in r.text
    assert "veto-" not in str(one(r.text, "main"))  # no veto markup at all, so raw text
    j = ukraine.get("/api/v1/options/article-5-extension?at=2022-06-01")
    assert j.status_code == 404 and "not yet proposed" in j.json()["error"]["message"]
    bad = ukraine.get("/compare?o=nato-membership,article-5-extension&at=2022-06-01")
    assert bad.status_code == 400 and "article-5-extension was not yet proposed" in bad.text
    # Today every option is back.
    assert len(cards(ukraine.get("/").text)) == 11


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_timeline_starts_when_proposed_and_links_each_change_to_its_day(
    ukraine: TestClient,
) -> None:
    page = "/options/neutrality-with-guarantors?assume=hu:0"
    html = ukraine.get(page).text
    day = re.compile(r"/options/neutrality-with-guarantors\?assume=hu:0&at=(\d{4}-\d{2}-\d{2})")
    days = [m[1] for a in select(html, "[href]") if (m := day.fullmatch(attr(a, "href")))]
    # Proposed at Istanbul on 29 March 2022: no status before, though stances date from February.
    assert days and min(days) == "2022-03-29"
    assert "First proposed (earlier records count from this day)" in html
    r = ukraine.get(f"{page}&at={days[1]}")
    assert r.status_code == 200 and "As it stood on" in r.text


def test_barred_names_the_condition_and_the_law_and_lists_blockers_apart(
    ukraine: TestClient,
) -> None:
    law = "Barred while martial law lasts (Constitution of Ukraine, Art. 157)"
    home = card(ukraine.get("/").text, "eu-membership")
    assert law in text(home) and "steps 1–3 can go on meanwhile" in text(home)
    assert blockers_first_words(one(home, ".blockers-line"))
    assert "Barred by" not in str(home)
    page = ukraine.get("/options/eu-membership").text
    assert law + " at step 4 of 5 (Verkhovna Rada amending the Constitution)" in page
    assert "Blockers: <a" in page
    compare = ukraine.get("/compare?o=eu-membership,nato-membership").text
    assert law in [m.decode_contents() for m in select(compare, 'p[class="barred-line"]')]
    assert any(blockers_first_words(p) for p in select(compare, 'p[class="blockers-line"]'))
    assert "Barred by" not in compare
    csv = ukraine.get("/compare.csv?o=eu-membership,nato-membership").text
    assert law in csv


def test_barred_under_comes_from_the_dataset_and_is_checked() -> None:
    raw = yaml.safe_load(FLOOD.read_text())
    step = raw["options"][3]["steps"][0]
    step["barred_under"] = {"law": "Town charter, s. 12", "sources": [{"id": "compact"}]}
    ds, problems = validate_text(yaml.safe_dump(raw))
    assert not problems and ds is not None
    a = veto_for(build_index(ds), "river-diversion")
    assert a.reason.startswith("Barred while flood emergency lasts (Town charter, s. 12): ")
    assert verdict(a, {}).text == (
        "Barred while flood emergency lasts (Town charter, s. 12) at step 1 of 2 (Planning inquiry)"
    )
    step["barred_under"] = {"law": "Town charter, s. 12", "sources": [{"id": "no-such-source"}]}
    _, problems = validate_text(yaml.safe_dump(raw))
    assert any(
        p.field() == "options[3].steps[0].barred_under.sources[0].id"
        and "no-such-source" in p.message
        for p in problems
    ), problems
    del step["barred_by"]
    _, problems = validate_text(yaml.safe_dump(raw))
    assert any("give barred_by too" in p.message for p in problems), problems


def test_a_permalink_shows_the_date_of_the_data_it_froze(
    engine: Engine, migrated: Settings
) -> None:
    load(engine, FLOOD)
    with TestClient(create_app(migrated)) as c:
        r = c.post("/c", data={"o": "sea-wall,tidal-barrier"}, follow_redirects=False)
        code = r.headers["location"]
    newer = FLOOD.read_text().replace("as_of: 2024-06-30", "as_of: 2024-09-30")
    ds, problems = validate_text(newer)
    assert not problems and ds is not None
    with Session(engine) as session:
        import_dataset(session, ds)
    with TestClient(create_app(migrated)) as c:
        html = c.get(code).text
        top = first(html, '[class="frozen-as-of"]')
        day = one(top, 'time[datetime="2024-06-30"]')
        assert str(day.previous_sibling).endswith("Frozen data: facts as of ")
        assert day.decode_contents() == "30 June 2024"
        assert "dataset revision 1" in text(top)
        assert "Today’s data (facts as of 30 September 2024, revision 2)" in text(top)
        line = text(first(html, '[class^="data-line"]'))
        assert "Today’s data: facts as of" in line and "30 September 2024" in line
        # Its date control opens the comparison on today's data, on the day chosen.
        f = date_form(html)
        assert f.action == "/compare" and dict(f.hidden)["o"] == "sea-wall,tidal-barrier"
        assert submit(c, f, "2024-02-01").status_code == 200
