"""The browsing side: explore, option, stakeholder, matrix and source pages over real HTTP."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine

from tests.helpers import CYCLE, card_titles, first, load, one, select, text

HX = {"HX-Request": "true"}


def test_explore_lists_every_option_with_scores_and_veto(client: TestClient) -> None:
    html = client.get("/").text
    assert card_titles(html) == ["Leave Main Street as it is", "Painted lanes", "Protected lanes"]
    assert "3 of 3 options" in html
    card = one(html, "li#option-protected-lanes")
    words = text(card)
    assert "Kerb-separated lanes, removing parking on one side." in words
    assert "kerbs" in words and "under negotiation" in words
    assert select(card, '[class="bar s5"]') and "5/5" in words and "Very large" in words
    assert "Blocked" in words  # the mayor vetoes on the budget board


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("category=paint", ["Painted lanes"]),
        ("status=rejected&status=proposed", ["Leave Main Street as it is", "Painted lanes"]),
        ("attr.removes_parking=true", ["Protected lanes"]),
        ("attr.build_time=weeks", ["Painted lanes"]),
        ("min.safety=4", ["Protected lanes"]),
        ("max_hurdle=2", ["Leave Main Street as it is", "Painted lanes"]),
        ("stance.shops=oppose", ["Protected lanes"]),
        ("stance.council=support", ["Painted lanes"]),
        ("stance.council=unknown", ["Leave Main Street as it is", "Protected lanes"]),
        ("stance.shops=not-oppose", ["Leave Main Street as it is", "Painted lanes"]),
        ("q=drainage", ["Protected lanes"]),  # matches a rationale only
        ("q=PAINT%20cheapest", ["Painted lanes"]),
        ("veto=blocked", ["Protected lanes"]),
        ("veto=uncertain", ["Painted lanes"]),  # a majority vote stances cannot settle
        ("veto=clear", ["Leave Main Street as it is"]),
        ("sort=-safety", ["Protected lanes", "Painted lanes", "Leave Main Street as it is"]),
        ("sort=-title", ["Protected lanes", "Painted lanes", "Leave Main Street as it is"]),
        ("sort=veto", ["Leave Main Street as it is", "Painted lanes", "Protected lanes"]),
    ],
)
def test_filters_and_sorts(client: TestClient, query: str, expected: list[str]) -> None:
    r = client.get(f"/?{query}", follow_redirects=True)
    assert r.status_code == 200
    assert card_titles(r.text) == expected
    assert f"{len(expected)} of 3 options" in r.text


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_active_filters_are_removable_chips(client: TestClient) -> None:
    html = client.get("/?category=kerbs&min.safety=4").text
    assert 'href="/?min.safety=4"' in html  # removing the category chip
    assert 'href="/?category=kerbs"' in html  # removing the score chip
    assert "Safety gain at least 4 (Large)" in html  # was "Safety gain ≥ 4"
    assert text(one(html, 'a[class="chip clear"][href="/"]')) == "Clear all"


def test_a_lower_is_better_score_filter_reads_at_most_and_keeps_the_better_options(
    client: TestClient,
) -> None:
    # Issue 19.10: "Minimum score: Cost ≥ 2" selected the dearer options. The filter keeps the
    # options at least this good: a cost of at most 2 (Low), in the level's words.
    html = client.get("/?min.cost=2").text
    assert sorted(card_titles(html)) == ["Leave Main Street as it is", "Painted lanes"]
    assert "Cost at most 2 (Low)" in html
    assert ">at most 2 (Low)</option>" in html and ">at least 4 (Large)</option>" in html


def test_empty_result_says_which_filter_to_loosen(client: TestClient) -> None:
    html = client.get("/?category=paint&min.safety=4").text
    assert "No option meets all these conditions." in html
    assert "Remove “Safety gain at least 4 (Large)”</a> (1 option)" in html
    assert 'href="/?category=paint"' in html


def test_htmx_gets_only_the_results_fragment_and_canonical_url(client: TestClient) -> None:
    r = client.get("/?q=&min.safety=4&category=kerbs&max_hurdle=", headers=HX)
    assert r.status_code == 200
    assert r.text.lstrip().startswith('<section id="results"')
    assert "<html" not in r.text
    assert r.headers["HX-Push-Url"] == "/?category=kerbs&min.safety=4"
    assert "HX-Request" in r.headers["Vary"]


def test_boosted_and_history_restore_requests_get_the_full_page(client: TestClient) -> None:
    for extra in ({"HX-Boosted": "true"}, {"HX-History-Restore-Request": "true"}):
        assert "<html" in client.get("/", headers={**HX, **extra}).text


def test_non_canonical_query_redirects_to_canonical(client: TestClient) -> None:
    r = client.get("/?min.safety=4&q=&category=kerbs", follow_redirects=False)
    assert r.status_code == 302
    assert r.headers["location"] == "/?category=kerbs&min.safety=4"


@pytest.mark.parametrize(
    ("query", "named", "allowed"),
    [
        ("min.safety=9", "min.safety", "<code>5</code>"),
        ("colour=red", "colour", "<code>category</code>"),
        ("veto=maybe", "veto", "<code>uncertain</code>"),
        ("stance.shops=love", "stance.shops", "<code>not-oppose</code>"),
        ("category=pain", "did you mean paint", "<code>kerbs</code>"),
    ],
)
def test_bad_parameters_get_a_400_page(
    client: TestClient, query: str, named: str, allowed: str
) -> None:
    r = client.get(f"/?{query}")
    assert r.status_code == 400
    assert named in r.text and allowed in r.text
    assert 'href="/"' in r.text


def test_unknown_option_suggests_closest_slugs(client: TestClient) -> None:
    r = client.get("/options/protectd-lanes")
    assert r.status_code == 404
    assert 'href="/options/protected-lanes">Protected lanes</a>' in r.text
    r = client.get("/stakeholders/shop")
    assert r.status_code == 404 and 'href="/stakeholders/shops"' in r.text
    r = client.get("/sources/trafic-study")
    assert r.status_code == 404 and 'href="/sources/traffic-study"' in r.text


def test_option_page_shows_everything_known(client: TestClient) -> None:
    html = client.get("/options/protected-lanes").text
    assert "<title>Protected lanes · Riverton cycle-lane plan</title>" in html
    assert "Kerbs separate cyclists from traffic." in html
    assert "Removes parking</dt><dd>yes" in html and "2.5 km" in html
    assert (
        '5/5</span> <span class="score-label">Very large</span>' in html
        and "(range 4–5)" in html
        and "confidence medium" in html
    )
    assert "Separated lanes gave the largest gains in the study." in html
    assert 'href="/sources/traffic-study"' in html and "p. 8" in html
    assert "Parking bylaw, s. 3" in html and "Severity <strong>3/5</strong>" in html
    assert "Budget board" in html and "Public consultation" in html
    # The latest stance wins; the earlier one is kept, folded, under "Earlier stances".
    who = one(html, "#stance-shops")
    assert text(who) == "Main Street traders"
    row = who.find_parent("li")
    assert row is not None
    assert "Strongly opposes" in text(row) and select(row, '[datetime="2024-05-12"]')
    cite = one(row, "cite")
    assert text(cite) == "A. Trader, chair"
    assert str(cite.previous_sibling).endswith("“We will lose customers” ")
    earlier = text(one(html, "#earlier-stances"))
    assert "Earlier stances, since superseded (1)" in earlier
    assert "Traders worry about parking." in earlier and "Traders worry" not in text(row)
    assert 'action="/compare"' in html and "Add to comparison" in html
    assert "Scores are this dataset's own judgements" in html


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_markdown_is_rendered_and_sanitised(
    client: TestClient, engine: Engine, tmp_path: Path
) -> None:
    evil = CYCLE.read_text().replace(
        "Kerbs separate cyclists from traffic.",
        '"Kerbs <script>alert(1)</script> [x](javascript:alert(1)) <b onclick=x>b</b>"',
    )
    path = tmp_path / "evil.yaml"
    path.write_text(evil)
    load(engine, path)
    html = client.get("/options/protected-lanes").text
    assert "<script>alert" not in html and 'href="javascript:' not in html
    assert "<b onclick" not in html
    assert "&lt;script&gt;" in html
    assert "<strong>Paint only</strong>" in client.get("/options/painted-lanes").text


def test_stakeholder_pages(client: TestClient) -> None:
    html = client.get("/stakeholders").text
    assert 'href="/stakeholders/mayor">The mayor</a>' in html and "Budget board (veto)" in html
    html = client.get("/stakeholders/mayor").text
    assert "Budget board: <strong>holds a veto</strong>" in html
    assert "The mayor doubts the budget." in html
    assert "No stance recorded." in html  # painted lanes


def test_matrix_is_a_real_table_with_words_and_filters(client: TestClient) -> None:
    html = client.get("/matrix").text
    assert '<th scope="row"><a href="/stakeholders/shops">' in html
    assert '<th scope="col"><a href="/options/protected-lanes">' in html
    # Each cell links to the stance on the option's page (issue 19).
    cell = (
        '<td class="pos-cell pos--2"><a href="/options/protected-lanes#stance-shops">'
        '<span aria-hidden="true">−−</span>'
    )
    assert cell + ' <span class="word">Strongly opposes' in html
    narrowed = client.get("/matrix?category=paint").text
    assert "/options/protected-lanes" not in str(first(narrowed, "table"))  # nowhere in it
    assert "4 stakeholders × 1 options" in narrowed


def test_sources_list_every_claim_that_cites_them(client: TestClient) -> None:
    html = client.get("/sources").text
    assert 'href="/sources/traffic-study">Main Street traffic study</a>' in html
    assert "Cyclist injuries on Main Street per year" in html and "about 20" in html
    html = client.get("/sources/local-paper").text
    assert "Protected lanes: Parking bylaw, s. 3" in html
    assert "Main Street traders on Protected lanes (12 May 2024)" in html


def _count_queries(client: TestClient, engine_of_app: Engine, path: str) -> int:
    count = 0

    def before(*_args: object) -> None:
        nonlocal count
        count += 1

    event.listen(engine_of_app, "before_cursor_execute", before)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine_of_app, "before_cursor_execute", before)
    return count


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/options/protected-lanes",
        "/matrix",
        "/stakeholders",
        "/sources",
        "/compare?o=painted-lanes,protected-lanes",
    ],
)
def test_sql_per_page_is_constant(client: TestClient, path: str) -> None:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    client.get(path)  # warm the per-revision cache
    warm = _count_queries(client, engine, path)
    assert warm <= 2, warm


def test_what_if_a_blocker_stopped_opposing(client: TestClient) -> None:
    html = client.get("/").text
    assert '<a href="/?assume=mayor:0">What if The mayor stopped opposing?</a>' in html
    html = client.get("/?assume=mayor:0&veto=blocked").text
    # With the mayor neutral, the traders still decline in the consultation, which has no veto,
    # so nothing is blocked any more; the page says the view is hypothetical.
    assert "0 of 3 options" in html
    assert "Hypothetical:" in html and "The mayor (neutral)" in html
    assert card_titles(client.get("/?veto=blocked").text) == ["Protected lanes"]


def test_cached_pages_follow_a_reload(client: TestClient, engine: Engine, tmp_path: Path) -> None:
    assert "Kerbs and drainage are costly." in client.get("/options/protected-lanes").text
    changed = tmp_path / "changed.yaml"
    changed.write_text(CYCLE.read_text().replace("Kerbs and drainage", "Kerbs and new drains"))
    load(engine, changed)
    html = client.get("/options/protected-lanes").text
    assert "Kerbs and new drains are costly." in html and "dataset revision 2" in html


def test_cached_pages_are_served_compressed_or_plain(client: TestClient) -> None:
    for _ in range(2):  # the second request is a cache hit
        r = client.get("/", headers={"Accept-Encoding": "gzip"})
        assert r.headers["content-encoding"] == "gzip"
        assert "Accept-Encoding" in r.headers["vary"] and "HX-Request" in r.headers["vary"]
        assert "3 of 3 options" in r.text
        plain = client.get("/", headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in plain.headers
        assert "3 of 3 options" in plain.text


def test_a_page_names_each_header_it_varies_on_once(client: TestClient) -> None:
    """A page first asked without gzip passes the app's gzip middleware, which adds
    Accept-Encoding to the Vary the page cache wrote already: each header is named once, on
    the first answer as on the cached ones, gzipped or not."""
    for path in ("/matrix", "/sources", "/options/protected-lanes"):
        for encoding in ("identity", "gzip", "identity"):
            r = client.get(path, headers={"Accept-Encoding": encoding})
            assert r.status_code == 200
            assert r.headers.get_list("vary") == ["HX-Request, Accept-Encoding"], (path, encoding)


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_first_request_after_a_load_costs_the_same_queries_for_any_dataset(
    engine: Engine, migrated: object, tmp_path: Path
) -> None:
    """Reading a revision into memory is a fixed set of queries, not one per row."""
    from app.config import DEFAULT_DATASET
    from app.main import create_app

    counts = []
    for path in (CYCLE, DEFAULT_DATASET):
        load(engine, path)
        with TestClient(create_app(migrated)) as c:  # type: ignore[arg-type]
            counts.append(_count_queries(c, c.app.state.engine, "/"))  # type: ignore[attr-defined]
    assert counts[0] == counts[1]
