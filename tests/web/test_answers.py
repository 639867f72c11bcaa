"""The reader's experience over HTTP (issue 13): answers first, verdicts, charts and their
downloads, preview images, sharing tags, embeds, the methodology page, the data's age and how
to cite. On the default dataset unless said otherwise."""

import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy.engine import Engine

from app.analysis import ranks
from app.analysis.scores import FORMULA
from app.config import DEFAULT_DATASET, Settings
from app.main import create_app
from tests.helpers import (
    CYCLE,
    attr,
    card,
    cards,
    containing,
    first,
    in_order,
    links,
    load,
    one,
    permalink_code,
    position,
    select,
    text,
)

HX = {"HX-Request": "true"}
SVG = "{http://www.w3.org/2000/svg}"
PUBLIC = "http://127.0.0.1:8000"
TRIO = "o=article-5-extension,nato-membership,reassurance-force"


def meta(html: str, name: str) -> str:
    return attr(one(html, f'meta[property="{name}"], meta[name="{name}"]'), "content")


def permalink(client: TestClient, o: str, w: str = "") -> str:
    r = client.post("/c", data={"o": o, "w": w, "assume": ""}, follow_redirects=False)
    assert r.status_code == 303
    return r.headers["location"]


def png_size(data: bytes) -> tuple[int, int]:
    img = Image.open(io.BytesIO(data))
    assert img.format == "PNG"
    return img.size


# --- 1. Home: the answer first -------------------------------------------------------------


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_home_leads_with_the_answer_and_the_overview_chart(ukraine: TestClient) -> None:
    html = ukraine.get("/").text
    body = one(html, "main#main")
    # The answer sentence and the chart come before the first card.
    assert in_order(body, ".answer", "#chart-overview", ".cards")
    assert "Of 11 options, only Bilateral security agreements" in html
    svg = one(body, "svg.chart#chart-overview")
    assert svg.find("title") and svg.find("desc")
    assert "Deterrence credibility against Political feasibility, by veto status" in html
    # The same data as a table, for screen readers and readers who prefer numbers.
    table = text(first(html, 'table[class="data-table"]'))
    assert "Full NATO membership" in table and "Blocked" in table


def test_overview_marks_status_by_shape_and_word_and_links_each_option(ukraine: TestClient) -> None:
    svg = one(ukraine.get("/").text, "svg.chart#chart-overview")
    marks = select(svg, "a")
    assert len(marks) == 11
    names = [a.find("title", recursive=False).get_text() for a in marks]  # type: ignore[union-attr]
    assert any(n.startswith("Full NATO membership: Blocked;") for n in names)
    words = {t.get_text() for a in marks for t in select(a, "text")}
    assert {"Clear", "Uncertain", "Blocked", "Barred"} <= words


def test_reader_chooses_the_overview_criteria(ukraine: TestClient) -> None:
    html = ukraine.get("/?x=speed&y=durability").text
    assert "Durability: survives a change of government against Speed of implementation" in html
    assert '<option value="speed" selected>' in html
    # Defaults are left out of the URL; naming one axis' default for the other swaps them.
    r = ukraine.get("/?x=feasibility", follow_redirects=False)
    assert r.status_code == 302 and r.headers["location"] == "/"
    r = ukraine.get("/?x=deterrence", follow_redirects=False)
    assert r.headers["location"] == "/?x=deterrence&y=feasibility"
    for bad in ("/?x=colour", "/?x=speed&y=speed", "/?y=nope"):
        r = ukraine.get(bad)
        assert r.status_code == 400, bad
    assert "x: unknown criterion &#39;colour&#39;" in ukraine.get("/?x=colour").text


def test_each_card_states_its_verdict_in_one_line(ukraine: TestClient) -> None:
    html = ukraine.get("/").text
    assert "Poland, Slovakia and United States (NATO North Atlantic Council, unanimity)" in text(
        card(html, "nato-membership")
    )
    assert "Barred while martial law lasts" in text(card(html, "neutrality-with-guarantors"))
    assert select(card(html, "nato-membership"), ".veto-blocked")


def test_default_order_is_veto_status_then_feasibility_and_titles_ignore_quotes(
    ukraine: TestClient,
) -> None:
    titles = cards(ukraine.get("/").text)
    assert titles[0] == "Bilateral security agreements (G7 Vilnius framework)"
    statuses = [
        attr(c, "class").removeprefix("card card-")
        for c in select(ukraine.get("/").text, '[class^="card card-"]')
    ]
    order = ["clear", "uncertain", "blocked", "barred"]
    assert statuses == sorted(statuses, key=order.index)
    by_title = cards(ukraine.get("/?sort=title").text)
    assert by_title[0].startswith("Article 5-style")
    assert by_title.index('"Steel porcupine": Ukraine\'s own forces as the first guarantee') > 0
    # "Steel" sorts among the S titles, not first because of its quotation mark.
    s_titles = [t for t in by_title if t.lstrip('"').startswith(("S", "U"))]
    assert s_titles == sorted(s_titles, key=lambda t: t.lstrip('"').casefold())


def test_filters_sit_behind_a_counted_summary_that_works_without_js(ukraine: TestClient) -> None:
    html = ukraine.get("/?category=alliance&veto=blocked").text
    assert '<details class="filters-panel" id="filters-panel">' in html
    assert 'Filters <span id="filter-count">(2)</span>' in html
    # htmx updates the count out of band with the results.
    frag = ukraine.get("/?category=alliance", headers=HX).text
    assert '<span id="filter-count" data-hx-swap-oob="true">(1)</span>' in frag


# --- 2. Option page: a summary at the top --------------------------------------------------


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_option_page_summary_comes_first(ukraine: TestClient) -> None:
    html = ukraine.get("/options/nato-membership").text
    main = one(html, "main#main")
    summary = one(main, "header.option-summary")
    assert "Poland, Slovakia and United States" in text(summary)
    assert ("Poland", "/stakeholders/pl") in links(summary)  # blockers, linked
    assert len(select(summary, '[class="score-row"]')) == 7  # every score at a glance
    assert select(summary, f'[value="{PUBLIC}/options/nato-membership"]')  # the share control
    # as_of above the summary
    assert position(containing(main, "Facts as of")) < position(first(main, "header"))
    # The timeline chart follows, with its downloads.
    chart = containing(main, "Veto status and stances over time")
    assert chart not in summary.descendants and position(summary) < position(chart)
    assert select(main, 'a[href="/options/nato-membership/timeline.svg"][download]')
    assert select(main, 'a[href="/options/nato-membership/timeline.png"][download]')


# --- 3. Compare ----------------------------------------------------------------------------


def test_ranking_shows_veto_status_and_rank_chances(ukraine: TestClient) -> None:
    html = ukraine.get(f"/compare?{TRIO}").text
    ranking = first(html, "table.ranking")
    table = text(ranking)
    assert "Veto status" in table and select(ranking, ".veto-blocked") and "by Poland" in table
    assert "Chance of each rank" in table and "First in 49" in table
    assert "at best" not in html and "at worst" not in html
    assert 'id="chart-ranks"' in html and 'href="/methodology#rank-chances"' in html
    assert 'href="/compare/ranks.svg?' in html
    # One chart of every option's scores, criterion by criterion, in place of one per option.
    assert len(select(html, "#chart-grouped-figure")) == 1 and 'id="chart-scores-' not in html


def test_ranking_warns_when_the_leader_is_blocked(ukraine: TestClient) -> None:
    zero = ",".join(f"{c}:0" for c in ("feasibility", "legal-hurdles", "escalation-risk", "speed"))
    html = ukraine.get(
        f"/compare?o=nato-membership,bilateral-agreements&w={zero},deterrence:5,"
        "durability:5,guarantor-burden:0"
    ).text
    warning = text(one(html, ".leader-warning"))
    assert "Full NATO membership is blocked by Poland, Slovakia and United States" in warning
    assert "not blocked or barred is Bilateral security agreements" in warning
    assert (
        'class="leader-warning"'
        not in ukraine.get("/compare?o=nato-membership,bilateral-agreements").text
    )


def test_weights_are_radio_pills_in_a_get_form(ukraine: TestClient) -> None:
    html = ukraine.get(f"/compare?{TRIO}").text
    form = one(html, "form#weights")
    assert attr(form, "method") == "get"
    assert len(select(form, 'input[type="radio"][name="w.feasibility"]')) == 6
    assert one(form, 'input[name="w.feasibility"]:checked')["value"] == "3"
    # One control per criterion is another spelling of w=: it redirects to the canonical URL.
    r = ukraine.get(f"/compare?{TRIO}&w.feasibility=5&w.speed=2", follow_redirects=False)
    assert r.status_code == 302
    assert r.headers["location"] == f"/compare?{TRIO}&w=feasibility:5"


def test_share_control_is_at_the_top_and_follows_the_weights(ukraine: TestClient) -> None:
    html = ukraine.get(f"/compare?{TRIO}&w=feasibility:5").text
    main = one(html, "main#main")
    assert position(containing(main, "Create permanent link")) < position(one(main, "form#weights"))
    share = one(main, "#share-bar")
    assert select(share, 'input[name="w"][value="feasibility:5"]')
    frag = ukraine.get(f"/compare?{TRIO}&w=feasibility:4", headers=HX).text
    assert 'id="share-bar" class="compare-top share-top"' in frag
    assert 'data-hx-swap-oob="true"' in frag and 'name="w" value="feasibility:4"' in frag


# --- 5. Sharing ----------------------------------------------------------------------------


PAGES = [
    "/",
    "/options/nato-membership",
    f"/compare?{TRIO}",
    "/matrix",
    "/stakeholders",
    "/stakeholders/hu",
    "/sources",
    "/sources/north-atlantic-treaty",
    "/changes",
    "/methodology",
]


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_open_graph_and_twitter_tags_with_absolute_urls(
    ukraine: TestClient, path: str
) -> None:
    # A forged Host changes nothing: addresses come from settings.public_url.
    html = ukraine.get(path, headers={"Host": "evil.example"}).text
    for name in ("og:title", "og:description", "twitter:title", "twitter:description"):
        assert meta(html, name)
    assert meta(html, "og:url") == PUBLIC + path
    assert meta(html, "twitter:card") == "summary_large_image"
    image = meta(html, "og:image")
    assert image.startswith(PUBLIC + "/") and meta(html, "twitter:image") == image
    r = ukraine.get(image.removeprefix(PUBLIC))
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    assert png_size(r.content) == (1200, 630)
    assert "evil.example" not in html


def test_option_and_permalink_pages_have_their_own_previews(ukraine: TestClient) -> None:
    html = ukraine.get("/options/nato-membership").text
    assert meta(html, "og:image") == f"{PUBLIC}/options/nato-membership/preview.png"
    assert "Blocked: Poland, Slovakia and United States" in meta(html, "og:title")
    link = permalink(ukraine, "article-5-extension,nato-membership,reassurance-force")
    html = ukraine.get(link).text
    assert meta(html, "og:image") == f"{PUBLIC}{link}/preview.png"
    assert meta(html, "og:url") == PUBLIC + link
    assert "1. Article 5-style" in meta(html, "og:description")
    r = ukraine.get(f"{link}/preview.png")
    assert png_size(r.content) == (1200, 630)


def test_previews_are_cached_per_revision(engine: Engine, migrated: Settings) -> None:
    load(engine, DEFAULT_DATASET)
    with TestClient(create_app(migrated)) as client:
        first = client.get("/options/nato-membership/preview.png")
        tag = first.headers["etag"]
        again = client.get("/options/nato-membership/preview.png", headers={"If-None-Match": tag})
        assert again.status_code == 304
        assert client.app.state.page_cache.hits >= 1  # type: ignore[attr-defined]
        load(engine, CYCLE)  # a new revision: the old image is not served
        assert client.get("/options/nato-membership/preview.png").status_code == 404
        r = client.get("/options/protected-lanes/preview.png")
        assert r.status_code == 200 and r.headers["etag"] != tag


def chart_links(html: str) -> list[str]:
    found = (attr(a, "href") for a in select(html, "a[href][download]"))
    return [h for h in found if re.fullmatch(r"[^?]+\.(svg|png)(\?.*)?", h)]


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
@pytest.mark.parametrize(
    "path", ["/", "/options/eu-membership", f"/compare?{TRIO}", "/?x=speed&category=alliance"]
)
def test_every_chart_downloads_as_svg_and_png(ukraine: TestClient, path: str) -> None:
    html = ukraine.get(path).text
    figures = len(select(html, "figure.chart-figure"))
    links = chart_links(html)
    assert links and len(links) % 2 == 0
    assert len({re.sub(r"\.(svg|png)", "", u) for u in links}) >= (figures + 1) // 2 - 1
    for url in links:
        r = ukraine.get(url)
        assert r.status_code == 200, url
        if ".svg" in url:
            assert r.headers["content-type"] == "image/svg+xml"
            root = ET.fromstring(r.content)
            assert root.tag == f"{SVG}svg" and root.find(f"{SVG}title") is not None
        else:
            assert r.headers["content-type"] == "image/png"
            assert png_size(r.content)[0] >= 760


def test_permalink_charts_download_from_the_frozen_snapshot(ukraine: TestClient) -> None:
    link = permalink(ukraine, "nato-membership,bilateral-agreements")
    html = ukraine.get(link).text
    links = chart_links(html)
    assert f"{link}/ranks.svg" in links and f"{link}/scores.png" in links
    for url in links:
        assert ukraine.get(url).status_code == 200, url
    assert ukraine.get(f"{link}/scores/steel-porcupine.svg").status_code == 404
    assert ukraine.get(f"{link}/ranks.gif").status_code == 404


def test_only_embeds_may_be_framed(ukraine: TestClient) -> None:
    link = permalink(ukraine, "nato-membership,bilateral-agreements")
    code = permalink_code(link)
    embed = ukraine.get(f"/embed/c/{code}")
    assert embed.status_code == 200
    assert "frame-ancestors *" in embed.headers["content-security-policy"]
    assert "x-frame-options" not in embed.headers
    assert "default-src 'self'" in embed.headers["content-security-policy"]
    assert "Full NATO membership" in embed.text and 'target="_blank"' in embed.text
    # The same response again comes from the page cache with the same headers.
    again = ukraine.get(f"/embed/c/{code}")
    assert "frame-ancestors *" in again.headers["content-security-policy"]
    assert "x-frame-options" not in again.headers
    for path in ("/", link, f"/compare?{TRIO}"):
        r = ukraine.get(path)
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
        assert r.headers["x-frame-options"] == "DENY"
    assert ukraine.get("/embed/c/nothing-here").status_code == 404
    # The permanent link offers the embed code with a copy button.
    html = ukraine.get(link).text
    assert f"&lt;iframe src=&#34;{PUBLIC}/embed/c/{code}&#34;" in html.replace('"', "&#34;")
    assert 'data-copy="embed-code-text">Copy embed code</button>' in html


# --- 6. Feedback and state -----------------------------------------------------------------


def test_loading_indicator_is_on_every_page(ukraine: TestClient) -> None:
    for path in ("/", f"/compare?{TRIO}", "/matrix"):
        html = ukraine.get(path).text
        assert '<body data-hx-indicator="#loading">' in html
        assert 'id="loading" class="htmx-indicator loading"' in html


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_ticked_options_live_in_the_url_and_survive_filters(ukraine: TestClient) -> None:
    html = ukraine.get("/?category=alliance&o=nato-membership,bilateral-agreements").text
    # The shown option is ticked; the one the filter hides stays as a hidden input.
    assert 'value="nato-membership" form="filters" checked' in html
    assert '<input type="hidden" name="o" value="bilateral-agreements" form="filters">' in html
    assert "2 ticked" in html


def test_compare_selected_goes_to_compare_or_explains(ukraine: TestClient) -> None:
    r = ukraine.get(
        "/?o=nato-membership,bilateral-agreements&at=2025-06-12&compare=1",
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert r.headers["location"] == "/compare?o=nato-membership,bilateral-agreements&at=2025-06-12"
    r = ukraine.get("/?o=nato-membership,bilateral-agreements&compare=1", headers=HX)
    assert r.headers["hx-redirect"] == "/compare?o=nato-membership,bilateral-agreements"
    for query, said in (("o=nato-membership&", "only one is ticked"), ("", "none is ticked")):
        r = ukraine.get(f"/?{query}compare=1")
        assert r.status_code == 200
        notice = text(one(r.text, '[class="notice notice-compare"]'))
        assert "tick at least two options" in notice and said in notice


# --- 7. Trust ------------------------------------------------------------------------------


def test_methodology_page_explains_the_method(ukraine: TestClient) -> None:
    html = ukraine.get("/methodology").text
    for words in (
        ranks.METHOD_TEXT,
        FORMULA.replace("×", "×"),
        "Prohibitive",  # a scale label
        "Ranges and confidence",
        "Barred",
        "Vote arithmetic",
        "needs 67 of 100",
        "Martial law",
        "How the data is kept current",
        "How to cite",
    ):
        assert words.replace("'", "&#39;") in html, words
    assert 'id="conditions"' in html and 'id="rank-chances"' in html
    for path in ("/", "/sources", "/options/nato-membership"):
        page = ukraine.get(path).text
        assert len(select(page, 'a[href="/methodology"]')) >= 2  # nav and footer


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
@pytest.mark.parametrize("path", PAGES)
def test_every_page_says_how_to_cite_with_revision_and_date(ukraine: TestClient, path: str) -> None:
    html = ukraine.get(path).text
    cite = text(one(html, "p#cite.cite-line"))
    assert "dataset revision 1" in cite and "facts as of 5 July 2026" in cite
    assert f"{PUBLIC}{path}" in cite
    assert f"accessed {dt.date.today().day} " in cite
    # as_of near the top, before the page's own heading.
    main = one(html, "main#main")
    assert position(containing(main, "Facts as of")) < position(first(main, "h1"))


@pytest.fixture
def fresh(engine: Engine, migrated: Settings, tmp_path: Path) -> Iterator[TestClient]:
    """The cycle-lane dataset, its facts checked ten days ago."""
    recent = dt.date.today() - dt.timedelta(days=10)
    text = re.sub(r"as_of: \S+", f"as_of: {recent.isoformat()}", CYCLE.read_text(), count=1)
    path = tmp_path / "fresh.yaml"
    path.write_text(text)
    load(engine, path)
    with TestClient(create_app(migrated)) as c:
        yield c


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_old_facts_get_a_notice(ukraine: TestClient) -> None:
    old = ukraine.get("/").text
    age = (dt.date.today() - dt.date(2026, 7, 5)).days
    assert age > 90
    assert f"{age} days ago:</strong> stances and votes may have moved since." in old
    assert 'class="data-line notice notice-stale" role="note"' in old


def test_recent_facts_get_no_notice(fresh: TestClient) -> None:
    recent = fresh.get("/").text
    assert "notice-stale" not in recent and "Facts as of" in recent
