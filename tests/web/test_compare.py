"""The compare page, permanent links and exports, over real HTTP on the cycle-lane dataset."""

import csv
import io
import json
import re
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from app.store.models import Permalink
from tests import helpers
from tests.helpers import CYCLE, attrs, first, in_order, load, one, parse, text, texts

HX = {"HX-Request": "true"}
PAIR = "o=protected-lanes,painted-lanes"


def columns(html: str) -> list[str]:
    """The side-by-side table's column titles, left to right."""
    return texts(html, 'table.comparison > thead th.col-head > a[href^="/options/"]')


def ranking(html: str) -> list[tuple[str, str, str]]:
    """(rank, title, score) of each row of the ranking table."""
    return [
        (
            text(one(tr, "td.rank")),
            text(one(tr, 'th[scope="row"] > a')),
            text(one(tr, "td.score-num")),
        )
        for tr in helpers.select(first(html, "table.ranking"), "tbody > tr")
    ]


def row(html: str, key: str) -> str:
    """One row of the side-by-side table, as its markup."""
    return str(one(html, f'tr[data-row="{key}"]'))


def permalinks(engine: Engine) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(Permalink)).one()


def create(client: TestClient, **fields: str) -> str:
    r = client.post("/c", data=fields, follow_redirects=False)
    assert r.status_code == 303, r.text
    assert re.fullmatch(r"/c/[A-Za-z0-9_-]{12}", r.headers["location"])
    return r.headers["location"]


def test_compare_shows_columns_in_order_with_every_row_group(client: TestClient) -> None:
    r = client.get("/compare?o=no-change,protected-lanes,painted-lanes")
    assert r.status_code == 200
    html = r.text
    assert columns(html) == ["Leave Main Street as it is", "Protected lanes", "Painted lanes"]
    for group in ("Overview", "Assessment", "Legal hurdles", "Decision path and veto", "Stances"):
        assert f'colspan="4">{group}</th>' in html
    cost = row(html, "score:cost")
    assert (
        '1/5</span> <span class="score-label">Trivial</span>' in cost
        and '4/5</span> <span class="score-label">High</span>' in cost
    )
    assert "Kerbs and drainage are costly." in cost and "<details>" in cost  # rationale on demand
    assert "Blockers: The mayor" in row(html, "veto")
    shops = row(html, "stance:shops")
    assert "Strongly opposes" in shops and "2024-05-12" in shops
    assert "Parking bylaw, s. 3 · severity 3/5" in row(html, "hurdles")
    assert "A4 landscape" in html  # the print hint; the stylesheet does the rest


def test_column_links_remove_move_and_add(client: TestClient) -> None:
    html = client.get("/compare?o=painted-lanes,protected-lanes&w=cost:5").text
    assert 'href="/compare?o=protected-lanes,painted-lanes&amp;w=cost:5">Move right →' in html
    assert 'href="/compare?o=protected-lanes,painted-lanes&amp;w=cost:5">← Move left' in html
    # Removing one of two leads to the picker, which keeps the other and the weights.
    assert 'href="/compare?o=protected-lanes&amp;w=cost:5">Remove' in html
    assert 'href="/compare?o=painted-lanes&amp;w=cost:5">Remove' in html
    assert '<option value="painted-lanes,protected-lanes,no-change">' in html
    three = client.get("/compare?o=painted-lanes,protected-lanes,no-change").text
    assert 'href="/compare?o=protected-lanes,no-change">Remove' in three


def test_weights_change_the_ranking_and_lower_is_better_is_inverted(client: TestClient) -> None:
    base = "/compare?o=painted-lanes,protected-lanes,no-change"
    # Defaults safety 4, cost 2: protected (20+4)/6 = 4, painted (8+10)/6 = 3, no-change 14/6.
    assert ranking(client.get(base).text) == [
        ("1", "Protected lanes", "4.00"),
        ("2", "Painted lanes", "3.00"),
        ("3", "Leave Main Street as it is", "2.33"),
    ]
    # safety 1, cost 5: cheap is good, so painted (2+25)/6 = 4.5, no-change (1+25)/6 = 4.33,
    # protected (5+10)/6 = 2.5.
    html = client.get(base + "&w=cost:5,safety:1").text
    assert ranking(html) == [
        ("1", "Painted lanes", "4.50"),
        ("2", "Leave Main Street as it is", "4.33"),
        ("3", "Protected lanes", "2.50"),
    ]
    # The weights are radio pills, one group per criterion (w.<criterion>), the current one checked.
    assert '<input type="radio" name="w.cost" value="5" checked>' in html
    # All weights zero: nothing to rank, and the page says so.
    html = client.get(base + "&w=cost:0,safety:0").text
    assert "All weights are 0, so there is no ranking." in html
    assert "weight × utility" in html  # the formula is explained


def test_sensitivity_is_shown(client: TestClient) -> None:
    html = client.get(f"/compare?{PAIR}").text
    assert (
        "Lowering the weight of Safety gain from 4 to 1 would make Painted lanes take the lead"
        in html
    )
    html = client.get("/compare?o=protected-lanes,no-change&w=cost:0").text
    assert "No single-weight change within 0–5 changes the leader." in html


def test_weights_form_asks_htmx_for_the_ranking_fragment(client: TestClient) -> None:
    html = client.get(f"/compare?{PAIR}").text
    assert 'data-hx-get="/compare" data-hx-target="#ranking"' in html
    assert 'data-hx-trigger="change, submit" data-hx-push-url="true"' in html
    r = client.get("/compare?o=protected-lanes,painted-lanes&w=safety:4&w=cost:5", headers=HX)
    assert r.status_code == 200
    assert r.text.lstrip().startswith('<section id="ranking"')
    assert "<html" not in r.text
    assert r.headers["HX-Push-Url"] == "/compare?o=protected-lanes,painted-lanes&w=cost:5"


@pytest.mark.parametrize(
    ("query", "canonical"),
    [
        ("o=painted-lanes&o=protected-lanes", "o=painted-lanes,protected-lanes"),
        ("o=painted-lanes,protected-lanes&w=safety:4,cost:2", "o=painted-lanes,protected-lanes"),
        (
            "o=painted-lanes,protected-lanes&w=safety:1&w=cost:3&assume=",
            "o=painted-lanes,protected-lanes&w=cost:3,safety:1",
        ),
    ],
)
def test_non_canonical_query_redirects(client: TestClient, query: str, canonical: str) -> None:
    r = client.get(f"/compare?{query}", follow_redirects=False)
    assert r.status_code == 302
    assert r.headers["location"] == f"/compare?{canonical}"


def test_only_differences_marks_rows_where_all_options_agree(client: TestClient) -> None:
    html = client.get(f"/compare?{PAIR}").text
    assert '<input type="checkbox" id="only-diff"' in html
    assert 'class="row-text same" data-row="attr:length_km"' in html  # 2.5 km both
    assert 'class="row-text" data-row="category"' in html
    assert 'class="row-score" data-row="score:safety"' in html
    css = client.get("/static/site.css").text
    assert "#only-diff:checked ~ .table-wrap tr.same { display: none; }" in css
    assert "size: A4 landscape" in css


@pytest.mark.parametrize(
    ("query", "param", "words"),
    [
        ("o=painted-lanes", "o", "choose 2 to 6 options"),
        ("o=painted-lanes,painted-lanes", "o", "more than once"),
        ("o=painted-lanes,protected-lane", "o", "did you mean protected-lanes"),
        ("o=painted-lanes,protected-lanes&w=safety:9", "w", "from 0 to 5"),
        ("o=painted-lanes,protected-lanes&w=speed:3", "w", "unknown criterion"),
        ("o=painted-lanes,protected-lanes&assume=mayor:7", "assume", "unknown position"),
        ("o=painted-lanes,protected-lanes&x=1", "x", "not a parameter"),
    ],
)
def test_bad_input_is_a_clear_400_and_creates_nothing(
    client: TestClient, engine: Engine, query: str, param: str, words: str
) -> None:
    # With one option the HTML page is a picker, not an error (test_compare_picker_*); the
    # exports still refuse it.
    paths = ["/compare", "/compare.csv", "/compare.json"]
    if query == "o=painted-lanes":
        paths.remove("/compare")
    for path in paths:
        r = client.get(f"{path}?{query}")
        assert r.status_code == 400, (path, r.text)
        assert f"{param}: " in r.text and words in r.text
    r = client.post(
        "/c", content=query, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert r.status_code == 400
    assert f"<code>{param}</code>" in r.text or f"{param}: " in r.text
    assert 'href="/"' in r.text  # a way forward
    assert permalinks(engine) == 0


@pytest.mark.parametrize("code", ["doesnotexist", "short", "bad!code!here", "x" * 40])
def test_unknown_or_malformed_code_is_404(client: TestClient, code: str) -> None:
    for suffix in ("", ".csv", ".json"):
        r = client.get(f"/c/{code}{suffix}")
        assert r.status_code == 404, (code, suffix)
        if suffix == ".json":  # a program reads it: the error is JSON
            assert r.json()["error"]["code"] == "not_found"
        else:
            assert "Start a new comparison" in r.text or "There is no page" in r.text


def test_oversized_post_is_413_and_creates_nothing(client: TestClient, engine: Engine) -> None:
    r = client.post("/c", data={"o": "painted-lanes,protected-lanes", "pad": "x" * 20_000})
    assert r.status_code == 413
    assert permalinks(engine) == 0


def test_permalink_is_content_addressed_and_idempotent(client: TestClient, engine: Engine) -> None:
    html = client.get(f"/compare?{PAIR}&w=cost:5").text
    assert '<form class="permalink-form" method="post" action="/c">' in html
    assert '<input type="hidden" name="w" value="cost:5">' in html
    first = create(client, o="protected-lanes,painted-lanes", w="cost:5", assume="")
    # The same state written differently is the same state: same code, no new row.
    again = create(client, o="protected-lanes,painted-lanes", w="safety:4,cost:5")
    assert first == again
    assert permalinks(engine) == 1
    other = create(client, o="painted-lanes,protected-lanes", w="cost:5")
    assert other != first
    assert permalinks(engine) == 2
    page = client.get(first)
    assert page.status_code == 200
    assert columns(page.text) == ["Protected lanes", "Painted lanes"]
    assert 'href="/compare?o=protected-lanes,painted-lanes&amp;w=cost:5"' in page.text
    assert '<button type="button" class="js-only" data-copy="permalink-url">' in page.text
    share = f'<input id="permalink-url" type="url" value="http://127.0.0.1:8000{first}" readonly>'
    assert share in page.text
    assert "Nothing shown here has changed." in page.text


def test_permalink_has_open_graph_and_twitter_tags(client: TestClient) -> None:
    html = client.get(create(client, o=PAIR.removeprefix("o="))).text
    og_title = 'content="Compare: Protected lanes vs Painted lanes"'
    assert f'<meta property="og:title" {og_title}>' in html
    assert f'<meta name="twitter:title" {og_title}>' in html
    assert (
        '<meta property="og:description" content="Ranking by weighted score: 1. Protected lanes'
        in html
    )
    assert '<meta name="twitter:card" content="summary_large_image">' in html


def changed_copy(tmp_path: Path) -> Path:
    text = CYCLE.read_text()
    old_cost = "cost: {score: 4, confidence: medium, rationale: Kerbs and drainage are costly."
    old_mayor = "date: 2024-05-20, position: -1, summary: The mayor doubts the budget."
    assert old_cost in text and old_mayor in text
    text = text.replace(old_cost, old_cost.replace("score: 4", "score: 5"))
    text = text.replace(
        old_mayor, "date: 2024-05-20, position: 1, summary: The mayor now backs it."
    )
    path = tmp_path / "cycle-lanes-changed.yaml"
    path.write_text(text)
    return path


def test_permalink_survives_a_reload_and_lists_what_changed(
    client: TestClient, engine: Engine, tmp_path: Path
) -> None:
    link = create(client, o="protected-lanes,painted-lanes")
    before = client.get(link).text
    load(engine, changed_copy(tmp_path))

    after = client.get(link)
    assert after.status_code == 200
    html = after.text
    # The frozen table still shows the old values.
    assert '4/5</span> <span class="score-label">High</span>' in row(html, "score:cost")
    assert "Opposes" in row(html, "stance:mayor")
    assert "Blockers: The mayor" in row(html, "veto")

    def frozen(page: str) -> list[str]:
        """Everything the page shows from its ranking to the end of its main part."""
        main = one(page, "main")
        box = one(main, "section.ranking-box")
        return [str(box), *(str(e) for e in box.find_all_next() if main in e.parents)]

    assert frozen(html) == frozen(before)
    # ... and lists what changed since, old -> new.
    since = text(one(html, "#since"))
    assert "Since this link was created" in since
    changes = {text(first(li, "strong")): li for li in helpers.select(html, "#since li")}
    cost = changes["Protected lanes · Cost:"]
    assert text(one(cost, "del")) == "4/5 High" and text(one(cost, "ins")) == "5/5 Very high"
    assert texts(cost, "strong.trend.trend-worse") == ["(worse)"]
    assert text(cost) == "Protected lanes · Cost: was 4/5 High, now 5/5 Very high (worse)"
    mayor = changes["Protected lanes · The mayor:"]
    assert text(one(mayor, "del")) == "− Opposes (2024-05-20)"
    assert text(one(mayor, "ins")) == "+ Supports (2024-05-20)"
    assert text(mayor).endswith("now + Supports (2024-05-20)")
    # The live comparison shows the new values.
    live = client.get("/compare?o=protected-lanes,painted-lanes").text
    assert '5/5</span> <span class="score-label">Very high</span>' in row(live, "score:cost")
    assert "Supports" in row(live, "stance:mayor")
    # A second load keeps the link's row and code.
    assert client.get(link + ".json").json()["revision"] == 1


def test_since_this_link_says_better_or_worse_by_direction_and_stances_neutrally(
    client: TestClient, engine: Engine, tmp_path: Path
) -> None:
    """Issue 19.9: every new value used to be green and every old one red, so a downgrade read
    as good news. Scores now say "better" or "worse" by their criterion's direction (a higher
    cost is worse, a higher safety gain better); a stance changes without a verdict."""
    link = create(client, o="protected-lanes,painted-lanes")
    source = changed_copy(tmp_path).read_text()
    old_safety = "safety: {score: 2, "
    assert old_safety in source
    (tmp_path / "better.yaml").write_text(source.replace(old_safety, "safety: {score: 3, "))
    load(engine, tmp_path / "better.yaml")

    items = {
        text(first(li, "strong")): str(li)
        for li in helpers.select(client.get(link).text, "#since li")
    }
    assert "(worse)" in items["Protected lanes · Cost:"]
    assert "(better)" in items["Painted lanes · Safety gain:"]
    assert "(better)" not in items["Protected lanes · The mayor:"]
    assert "(worse)" not in items["Protected lanes · The mayor:"]
    # The same words on /changes and in the API.
    assert '<strong class="trend trend-worse">(worse)</strong>' in client.get("/changes").text
    assert "5/5 Very high (worse)" in unescape(client.get("/changes.atom").text)
    cells = client.get("/api/v1/changes").json()["revisions"][0]["changes"]
    assert {(c["row"], c["trend"]) for c in cells} >= {
        ("Cost", "worse"),
        ("Safety gain", "better"),
        ("The mayor", "changed"),
    }
    # Colour follows the verdict, never the position: old and new values are not coloured.
    css = client.get("/static/site.css").text
    assert ".changes del { color" not in css and ".changes ins { color" not in css


def test_permalink_whose_options_vanished_says_so(
    client: TestClient, engine: Engine, tmp_path: Path
) -> None:
    link = create(client, o="protected-lanes,no-change")
    text = CYCLE.read_text()
    start = text.index("  - slug: no-change")
    end = text.index("stances:")
    path = tmp_path / "fewer.yaml"
    path.write_text(text[:start] + text[end:])
    load(engine, path)
    r = client.get(link)
    assert r.status_code == 200
    assert "cannot show this comparison any more" in r.text
    assert "unknown option" in r.text and "no-change" in r.text
    assert columns(r.text) == ["Protected lanes", "Leave Main Street as it is"]


def parse_csv(body: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body)))


def records(body: str) -> dict[tuple[str, str], dict[str, str]]:
    """The long compare CSV by (key, option)."""
    return {(r["key"], r["option"]): r for r in csv.DictReader(io.StringIO(body))}


def test_csv_and_json_exports_carry_sources_and_licence(client: TestClient) -> None:
    r = client.get(f"/compare.csv?{PAIR}")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert (
        'filename="comparison-protected-lanes-painted-lanes.csv"'
        in r.headers["content-disposition"]
    )
    rows = parse_csv(r.text)
    # Issue 19.6: one row per fact with numbers in their own columns (it was a transposed
    # report with cells such as "4/5 High"); the words a reader sees are in label and value.
    facts = records(r.text)
    assert rows[0][:5] == ["section", "key", "row", "option", "option_title"]
    cost = facts[("score:cost", "protected-lanes")]
    assert (cost["score"], cost["low"], cost["high"], cost["confidence"]) == (
        "4",
        "4",
        "4",
        "medium",
    )
    safety = facts[("score:safety", "protected-lanes")]
    assert (safety["score"], safety["low"], safety["high"]) == ("5", "4", "5")
    assert (cost["label"], cost["value"], cost["sources"]) == ("High", "4/5 High", "traffic-study")
    assert facts[("score:cost", "painted-lanes")]["score"] == "1"
    assert facts[("rank", "protected-lanes")]["number"] == "1"
    assert facts[("rank", "painted-lanes")]["number"] == "2"
    assert facts[("licence", "")]["value"] == "CC0 1.0"
    sources = [r for r in rows if r[0] == "sources"]
    assert [s[1] for s in sources] == ["traffic-study", "local-paper"]
    assert facts[("traffic-study", "")]["value"] == "https://example.org/riverton/traffic-study"
    assert rows[-1][0] == "sources"

    data = client.get(f"/compare.json?{PAIR}").json()
    assert data["dossier"]["licence"] == "CC0 1.0"
    assert [s["id"] for s in data["sources"]] == ["traffic-study", "local-paper"]
    assert [o["slug"] for o in data["options"]] == ["protected-lanes", "painted-lanes"]
    assert data["ranking"]["ranked"][0]["title"] == "Protected lanes"

    link = create(client, o="protected-lanes,painted-lanes")
    assert parse_csv(client.get(link + ".csv").text) == rows
    frozen = client.get(link + ".json").json()
    assert frozen["permalink"] == link
    assert frozen["rows"] == data["rows"]


def test_hypotheses_are_marked_on_page_permalink_and_exports(client: TestClient) -> None:
    query = f"{PAIR}&assume=mayor:1"
    html = client.get(f"/compare?{query}").text
    assert "<strong>Hypothetical:</strong> The mayor assumed: supports" in html
    # With the mayor assumed to support, the budget board no longer blocks protected lanes.
    assert "Blockers: The mayor" not in html
    assert '<input type="hidden" name="assume" value="mayor:1">' in html
    link = create(client, o="protected-lanes,painted-lanes", assume="mayor:1")
    page = client.get(link).text
    assert "<strong>Hypothetical:</strong> The mayor assumed: supports" in page
    assert "hypothetical-tag" in row(page, "stance:mayor")
    assert "Includes hypothetical stances." in page  # og:description
    mayor = records(client.get(link + ".csv").text)[("mayor", "")]
    assert (mayor["section"], mayor["row"]) == ("hypothetical", "The mayor")
    assert (mayor["position"], mayor["value"]) == ("1", "assumed: Supports")
    data = client.get(link + ".json").json()
    assert data["assume"] == [
        {"stakeholder": "mayor", "name": "The mayor", "position": 1, "label": "Supports"}
    ]
    assert json.dumps(data)  # plain JSON throughout


UKRAINE_OPTIONS = [
    "article-5-extension",
    "nato-membership",
    "reassurance-force",
    "un-peacekeeping",
    "budapest-assurances",
    "bilateral-agreements",
    "steel-porcupine",
]


def test_default_dataset_compares_up_to_six_options(ukraine: TestClient) -> None:
    six = ",".join(UKRAINE_OPTIONS[:6])
    r = ukraine.get(f"/compare?o={six}&assume=hu:0")
    assert r.status_code == 200
    assert len(columns(r.text)) == 6
    assert "Six options is the most a comparison shows" in r.text
    assert ukraine.post("/c", data={"o": six, "assume": "hu:0"}).status_code == 200
    r = ukraine.get(f"/compare?o={','.join(UKRAINE_OPTIONS)}")
    assert r.status_code == 400
    assert "o: choose 2 to 6 options to compare; 7 given" in r.text


def test_exports_carry_the_rank_chances_the_page_shows(client: TestClient) -> None:
    """The page's chance of each rank is in its JSON and CSV twins, live and frozen."""
    three = "o=protected-lanes,painted-lanes,no-change"
    page = client.get(f"/compare?{three}").text
    data = client.get(f"/compare.json?{three}").json()
    chances = data["rank_chances"]
    assert chances["exact"] is True and chances["method"] == "exact"
    for oc in chances["options"]:
        assert abs(sum(s["chance"] for s in oc["chances"]) - 1) < 1e-3
        assert oc["summary"] in page  # the same sentence the ranking table shows
    api = client.get(f"/api/v1/compare?{three}").json()
    assert api["rank_chances"] == chances
    body = client.get(f"/compare.csv?{three}").text
    facts = records(body)
    for oc in chances["options"]:  # a number from 0 to 1, as in JSON
        first = facts[("chance_rank_1", oc["option"])]
        assert float(first["number"]) == oc["chances"][0]["chance"]
        assert first["row"].startswith("chance of rank 1")
        assert facts[("summary", oc["option"])]["value"] == oc["summary"]
    assert [r[0] for r in parse_csv(body)][-3:] == ["licence", "sources", "sources"]
    # A permanent link's exports carry the same, from its frozen scores.
    link = create(client, o=three.removeprefix("o="))
    frozen = client.get(f"{link}.json").json()
    assert frozen["rank_chances"] == chances and frozen["permalink"] == link
    assert (
        client.get(f"/api/v1/permalinks/{link.rsplit('/', 1)[1]}").json()["snapshot"][
            "rank_chances"
        ]
        == chances
    )
    # Nothing ranked (every weight 0): no chances, in JSON and CSV alike.
    zero = client.get("/compare.json?o=protected-lanes,painted-lanes&w=cost:0,safety:0").json()
    assert zero["rank_chances"] is None
    zero_csv = client.get("/compare.csv?o=protected-lanes,painted-lanes&w=cost:0,safety:0").text
    assert "chance of rank" not in zero_csv


def test_the_bibliography_is_folded_under_a_count(client: TestClient) -> None:
    """A phone reaches the licence line without scrolling past every source: the list is
    folded (closed) under a heading that says how many sources the comparison cites."""
    page = parse(client.get(f"/compare?{PAIR}").text)
    fold = one(page, "details.biblio-fold")
    assert "open" not in attrs(fold)
    listed = len(helpers.select(fold, "ul.biblio > li"))
    summary = text(one(fold, "summary"))
    assert listed > 0 and summary == f"Sources · the {listed} this comparison cites"
    # The licence line follows the fold, outside it.
    licence = one(page, ".licence-line")
    assert licence.find_parent("details") is None
    assert in_order(page, "details.biblio-fold", ".licence-line")
