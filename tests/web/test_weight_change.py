"""A weight change sends only what depends on the weights: the ranking, the rank chances and
the controls that carry the weights. The side-by-side table, the scores chart and the sources
carry no weight in any link or form, so they are rendered once and kept; and the whole compare
page stays light. Not timed: `make bench` measures speed."""

import gzip
import itertools
import re
import zlib

from fastapi.testclient import TestClient

from app.serving.zipped import Rendered, gzip_segments
from tests.helpers import attr, in_order, links, one, select, text

HX = {"HX-Request": "true"}
THREE = "o=protected-lanes,painted-lanes,no-change"
# A link's `w=` (after ? or &amp;) or a form field named w or w.<criterion>.
CARRIES_WEIGHTS = re.compile(r'[?;]w=|name="w[".]')
FOUR = "o=article-5-extension,bilateral-agreements,nato-membership,reassurance-force"


def weight_independent(html: str) -> dict[str, str]:
    """The scores chart, the side-by-side table's body and the sources, as the page shows them
    (each element's markup, to compare two weightings and to look for links carrying weights)."""
    return {
        "charts": str(one(html, "section.grouped-scores")),
        "table body": "".join(map(str, select(html, "table.comparison > tbody"))),
        "sources": str(one(html, "details.biblio-fold")),
    }


def test_a_weight_change_sends_the_ranking_and_the_weight_controls_only(
    client: TestClient,
) -> None:
    r = client.get(f"/compare?{THREE}&w=cost:5,safety:0", headers=HX)
    assert r.status_code == 200
    frag = r.text
    # The ranking, its rank chances and the weights used.
    assert frag.lstrip().startswith('<section id="ranking"')
    assert '<table class="ranking stack">' in frag and 'id="chart-ranks"' in frag
    assert "Chance of each rank" in frag and "Weights used: " in frag
    # Every control that carries the weights comes back, out of band where it sits elsewhere:
    # the permanent-link form, each column's move and remove links, the downloads.
    share = one(frag, "section#share-bar")
    assert attr(share, "data-hx-swap-oob") == "true"
    assert attr(one(share, 'input[name="w"]'), "value") == "cost:5,safety:0"
    for slug in ("protected-lanes", "painted-lanes", "no-change"):
        controls = one(frag, f"span.col-controls#col-controls-{slug}")
        assert attr(controls, "data-hx-swap-oob") == "true"
        hrefs = [href for _, href in links(controls)]
        assert hrefs and all("w=cost:5,safety:0" in href for href in hrefs)
    exports = one(frag, "p.exports#compare-exports")
    assert attr(exports, "data-hx-swap-oob") == "true"
    assert all("w=cost:5,safety:0" in href for _, href in links(exports))
    assert '<input type="hidden" name="w" value="cost:5,safety:0">' in frag  # "Add an option"
    # Not the parts no weight changes.
    assert '<table class="comparison"' not in frag and "data-row=" not in frag
    assert "<h2>Sources</h2>" not in frag and 'class="biblio"' not in frag
    assert 'id="scores-heading"' not in frag and "licence-line" not in frag


def test_the_parts_no_weight_changes_carry_no_weights(client: TestClient) -> None:
    pages = [
        client.get(f"/compare?{THREE}&w=cost:5,safety:0").text,
        client.get(f"/compare?{THREE}&w=cost:1").text,
    ]
    first, second = (weight_independent(html) for html in pages)
    for name, html in first.items():
        assert not CARRIES_WEIGHTS.search(html), name
        assert html == second[name], name  # so they can be rendered once and kept
    # The page around them does carry the weights (the column controls, the downloads).
    head = str(one(pages[0], "table.comparison > thead"))
    assert CARRIES_WEIGHTS.search(head) and "w=cost:5,safety:0" in head


def test_the_compare_page_for_four_options_is_under_40_kb_gzip(ukraine: TestClient) -> None:
    for _ in range(2):  # rendered, then from the page cache: the same bytes
        r = ukraine.get(f"/compare?{FOUR}", headers={"Accept-Encoding": "gzip"})
        assert r.status_code == 200 and r.headers["content-encoding"] == "gzip"
        assert r.num_bytes_downloaded < 40_000, r.num_bytes_downloaded
        assert "<h2>Sources</h2>" in r.text and 'data-row="stance:ua"' in r.text


def test_spliced_gzip_is_one_ordinary_member() -> None:
    parts = [Rendered.of("<table>" + "x" * 5000 + "</table>"), Rendered.of("<ul>é ü</ul>")]
    segments = [b"<p>head</p>", parts[0], b"<p>between</p>", parts[1], b"<p>t</p>"]
    body = b"".join(s if isinstance(s, bytes) else s.raw for s in segments)
    for level in range(4):  # ISA-L's levels
        spliced = gzip_segments(segments, level)
        zipped, _ = spliced
        assert gzip.decompress(zipped) == body
        assert zlib.decompressobj(wbits=31).decompress(zipped) == body
        assert re.fullmatch(rb"[0-9a-f]{24}", spliced[1])


def test_a_page_in_segments_unzips_to_the_same_bytes() -> None:
    """However a page's texts and kept parts fall (a part first or last, texts empty, a few
    bytes, or longer than the 32 KB a decoder keeps), its gzip reads back as the page."""
    big = Rendered.of("<tr><td>l’Ukraine — " + "x" * 40_000 + "</td></tr>")
    small = Rendered.of("<ul>é ü</ul>")
    pages: list[list[bytes | Rendered]] = [
        [b"<p>head</p>", big, b"</table>", small, b"<p>foot</p>"],
        [big, b"", small, b"\n", big],
        [b"", small, b"y" * 70_000, big, b""],
        [b"only text"],
    ]
    for segments, level in itertools.product(pages, range(4)):  # ISA-L's levels
        body = b"".join(s if isinstance(s, bytes) else s.raw for s in segments)
        zipped, tag = gzip_segments(segments, level)
        assert gzip.decompress(zipped) == body
        assert zlib.decompressobj(wbits=31).decompress(zipped) == body
        assert re.fullmatch(rb"[0-9a-f]{24}", tag)


def _served(client: TestClient, url: str, encoding: str) -> tuple[bytes, str]:
    """The bytes sent for `url` as they came (gzip or not) and the page they carry."""
    with client.stream("GET", url, headers={"Accept-Encoding": encoding}) as r:
        assert r.status_code == 200
        assert r.headers.get("content-encoding", "identity") == encoding
        sent = b"".join(r.iter_raw())
    return sent, (gzip.decompress(sent) if encoding == "gzip" else sent).decode()


def test_a_weight_change_sent_gzipped_reads_as_the_plain_answer_and_is_small(
    ukraine: TestClient,
) -> None:
    """The htmx answer to a new weighting is gzipped on every weight change (ISA-L, not zlib):
    one ordinary gzip member any browser inflates to the very answer sent plain, in under 8 KB
    for four options."""
    for w in ("deterrence:5,feasibility:1,speed:4", "durability:0,legal-hurdles:5"):
        url = f"/compare?{FOUR}&w={w}"
        with ukraine.stream("GET", url, headers={**HX, "Accept-Encoding": "gzip"}) as r:
            assert r.status_code == 200 and r.headers["content-encoding"] == "gzip"
            zipped = b"".join(r.iter_raw())
        plain = ukraine.get(url, headers={**HX, "Accept-Encoding": "identity"})
        assert "content-encoding" not in plain.headers
        assert gzip.decompress(zipped) == plain.content
        assert zlib.decompressobj(wbits=31).decompress(zipped) == plain.content
        assert f'name="w" value="{w}"' in plain.text
        assert len(zipped) < 8_000 < len(plain.content)


def test_weight_changes_leave_the_page_cache_to_whole_pages(client: TestClient) -> None:
    """A weight change's htmx answer costs less to make again than to keep: the page cache
    keeps none, so readers trying weight after weight never push whole pages out of it. The
    answer is still tagged, and a browser holding it is told it has not changed."""
    cache = client.app.state.page_cache  # type: ignore[attr-defined]
    client.get(f"/compare?{THREE}")
    client.get("/matrix")
    pages = set(cache.entries)
    url = f"/compare?{THREE}&w=cost:5,safety:0"
    for cost, safety in itertools.product(range(6), range(6)):
        r = client.get(f"/compare?{THREE}&w=cost:{cost},safety:{safety}", headers=HX)
        assert r.status_code == 200 and "Weighted ranking" in r.text
    assert set(cache.entries) == pages  # no fragment kept, no page lost
    first = client.get(url, headers=HX)
    again = client.get(url, headers={**HX, "If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.headers["etag"] == first.headers["etag"]
    assert client.get(url, headers=HX).text == first.text
    page = client.get(url)  # the whole page of a weighting is kept as before
    assert page.status_code == 200 and len(cache.entries) == len(pages) + 1


def test_two_weightings_in_a_row_each_get_their_own_whole_page(client: TestClient) -> None:
    """The whole page of a new weighting is its kept parts (chart, table body, sources)
    spliced between what the weights change: each weighting's page shows its own weights,
    ranking and links around the same parts, whether it is sent gzipped or not."""
    weightings = {"cost:5,safety:0": {"cost": "5", "safety": "0"}, "safety:5": {"safety": "5"}}
    pages: dict[str, str] = {}
    for w in weightings:  # new weightings of a comparison whose parts are kept already
        client.get(f"/compare?{THREE}&w=cost:1")
        url = f"/compare?{THREE}&w={w}"
        zipped, html = _served(client, url, "gzip")
        plain, same = _served(client, url, "identity")
        assert html == same and gzip.decompress(zipped) == plain
        pages[w] = html
    assert pages["cost:5,safety:0"] != pages["safety:5"]
    for w, weights in weightings.items():
        html = pages[w]
        url = f"/compare?{THREE}&w={w}"
        for criterion, weight in weights.items():
            radio = one(html, f'#weights input[name="w.{criterion}"][checked]')
            assert attr(radio, "value") == weight
        assert attr(one(html, 'meta[property="og:url"]'), "content").endswith(url)
        assert attr(one(html, 'section#share-bar input[name="w"]'), "value") == w
        assert all(f"w={w}" in href for _, href in links(one(html, "p#compare-exports")))
        # The ranking is the one the weighting's own htmx request gets.
        ranking = one(html, "section#ranking table.ranking")
        fragment = one(client.get(url, headers=HX).text, "section#ranking table.ranking")
        assert str(ranking) == str(fragment)
        # Each kept part once, in its place, and the same under both weightings.
        assert in_order(html, "section#ranking", "section.grouped-scores", "table.comparison")
        assert in_order(html, "table.comparison > thead", "table.comparison > tbody")
        assert in_order(html, "table.comparison", "details.biblio-fold", "p#compare-exports")
        assert len(select(html, "section.grouped-scores, details.biblio-fold")) == 2
        assert weight_independent(html) == weight_independent(pages["safety:5"])


def _chance_rows(html: str) -> list[list[str]]:
    """The chance table's body: per row, the option's name and each cell's text."""
    return [
        [text(cell) for cell in select(tr, ":scope > th, :scope > td")]
        for tr in select(html, "table.chances-table > tbody > tr")
    ]


def _share(cell: str) -> tuple[float, float]:
    """The range of chances a cell's text stands for: "42 %" is 41.5 to 42.5 per cent."""
    if cell.startswith("under 1"):
        return 0, 1
    if cell.startswith("over 99"):
        return 99, 100
    n = float(cell.split()[0])
    return n - 0.5, n + 0.5


def test_the_chance_of_each_rank_is_one_table_that_agrees_with_the_json_twin(
    client: TestClient,
) -> None:
    query = f"{THREE}&w=cost:5,safety:0"
    frag = client.get(f"/compare?{query}", headers=HX).text
    rows = _chance_rows(frag)
    bars = select(frag, "table.chances-table > tbody svg")
    data = client.get(f"/compare.json?{query}").json()["rank_chances"]
    titles = {o["slug"]: o["title"] for o in client.get(f"/compare.json?{query}").json()["options"]}
    # One drawing per option (its bar), not a wide and a narrow picture of the whole.
    assert len(bars) == len(rows) == len(data["options"]) == 3
    shown = {row[0]: row[1:] for row in rows}
    for option in data["options"]:
        cells = shown[titles[option["option"]]]
        # The bar's cell is empty text; then one cell per rank.
        assert cells[0] == "" and len(cells) == 1 + len(option["chances"])
        for shown_text, share in zip(cells[1:], option["chances"], strict=True):
            low, high = _share(shown_text)
            assert low <= share["chance"] * 100 <= high, (option["option"], shown_text, share)


def carried_weights(frag: str) -> set[str]:
    """Every weighting the fragment's controls carry: in links (`w=` up to the next `&`) and
    in the forms' hidden `w` fields."""
    found = {href.split("w=", 1)[1].split("&", 1)[0] for _, href in links(frag) if "w=" in href}
    found |= {attr(field, "value") for field in select(frag, 'input[type="hidden"][name="w"]')}
    return found


def test_controls_kept_from_an_earlier_weighting_carry_the_new_one(client: TestClient) -> None:
    # The controls that carry the weights are rendered once per comparison and the weights
    # written in per request: weighting after weighting, each answer carries its own alone.
    for w in ("cost:5,safety:0", "cost:1", "safety:5", "cost:0,safety:1"):
        frag = client.get(f"/compare?{THREE}&w={w}", headers=HX).text
        assert carried_weights(frag) == {w}
        page = client.get(f"/compare?{THREE}&w={w}").text
        assert carried_weights(page) == {w}
    # With no weight set no link carries `w=`, and the permanent-link form sends it empty.
    frag = client.get(f"/compare?{THREE}", headers=HX).text
    assert carried_weights(frag) == {""}
    assert attr(one(frag, 'section#share-bar input[name="w"]'), "value") == ""
    # Every option of the test dossier is in: no form to add one, and no limit blamed.
    assert text(one(frag, ".add-compare")) == "Every option of this dossier is in the comparison."
