"""SVG charts: well-formed, labelled, escaped, deterministic, and showing what they claim."""

import datetime as dt
import itertools
import re
import xml.etree.ElementTree as ET
from fractions import Fraction

import pytest

from app.analysis.ranks import rank_chances as compute_rank_chances
from app.analysis.timeline import HolderSeries, StancePoint
from app.charts import bars, ranks, scatter, svg, timeline
from app.charts.metrics import text_width
from app.dataset.dates import PartialDate
from tests.analysis.test_scores import crit, opt
from tests.charts.samples import (
    NASTY,
    SCALE,
    TODAY,
    all_charts,
    bar_rows,
    holders,
    rank_rows,
    scatter_points,
    timeline_points,
)

NS = {"s": "http://www.w3.org/2000/svg"}
S = "{http://www.w3.org/2000/svg}"


def parse(chart: svg.Chart) -> ET.Element:
    return ET.fromstring(chart.svg)


def texts(el: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in el.iter(f"{S}text")]


def links(root: ET.Element) -> list[ET.Element]:
    return root.findall(".//s:a", NS)


@pytest.mark.parametrize("chart", all_charts(), ids=lambda c: c.id.split("-")[1])
def test_every_chart_is_self_contained_labelled_svg(chart: svg.Chart) -> None:
    root = parse(chart)
    assert root.tag == f"{S}svg"
    assert root.get("role") in ("img", "group")
    assert re.fullmatch(r"0 0 \d+(\.\d)? \d+(\.\d)?", root.get("viewBox", ""))
    title_id, desc_id = root.get("aria-labelledby", "").split()
    title = root.find(f"s:title[@id='{title_id}']", NS)
    desc = root.find(f"s:desc[@id='{desc_id}']", NS)
    assert title is not None and title.text == chart.title
    assert desc is not None and desc.text == chart.description and len(chart.description) > 40
    assert "system-ui" in root.get("font-family", "")
    tags = {el.tag.removeprefix(S) for el in root.iter()}
    assert not tags & {"script", "style", "foreignObject", "image", "use", "iframe"}
    for el in root.iter():
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), f"event handler {name} on {el.tag}"
            assert name != "style"
            assert "javascript:" not in value and "url(" not in value
            if name == "href":
                assert value.startswith("/options/"), "only the links it was given"
    assert chart.tables and all(t.rows for t in chart.tables)
    assert chart.document.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg ')


@pytest.mark.parametrize("chart", all_charts(), ids=lambda c: c.id.split("-")[1])
def test_text_is_escaped_and_survives_intact(chart: svg.Chart) -> None:
    assert "<Peace" not in chart.svg and '"Quiet"' not in chart.svg
    root = parse(chart)  # parses: nothing broke out of its element or attribute
    everything = " ".join(
        [*texts(root), root.findtext("s:title", "", NS), root.findtext("s:desc", "", NS)]
    )
    assert NASTY in everything or NASTY[:8] in everything


def test_output_is_deterministic_and_ids_follow_content() -> None:
    first, again = all_charts(), all_charts()
    assert [c.svg for c in first] == [c.svg for c in again]
    assert len({c.id for c in first}) == len(first)
    other = bars.bars("Another option", bar_rows())
    assert other.id != bars.bars(NASTY, bar_rows()).id
    assert bars.bars("X", bar_rows(), chart_id="scores-x").svg.count('id="scores-x-title"') == 1


# --- scatter ---------------------------------------------------------------------------------


def scatter_chart() -> svg.Chart:
    return scatter.scatter(scatter_points(), "Political feasibility", "Deterrence", SCALE, SCALE)


def test_scatter_links_each_placed_option_with_its_title_and_status_word() -> None:
    root = parse(scatter_chart())
    assert root.get("role") == "group"  # links inside an img role would be hidden
    by_href = {a.get("href"): a for a in links(root)}
    placed = [p for p in scatter_points() if p.x is not None and p.y is not None]
    assert set(by_href) == {p.href for p in placed}
    for p in placed:
        a = by_href[p.href]
        name = a.findtext("s:title", "", NS)
        assert name.startswith(f"{p.title}: {p.status.capitalize()}")
        shown = texts(a)
        assert p.status.capitalize() in shown
        assert " ".join(shown[:-1]).replace("…", "") in p.title or shown[0] in p.title


def test_scatter_marks_each_status_with_its_own_shape() -> None:
    root = parse(scatter_chart())
    shapes = {}
    for a in links(root):
        status = texts(a)[-1]
        drawn = [el for el in a if el.tag in (f"{S}circle", f"{S}polygon")]
        shapes[status] = tuple(
            (el.tag.removeprefix(S), len(el.get("points", "").split())) for el in drawn
        )
    assert shapes == {
        "Clear": (("circle", 0),),
        "Uncertain": (("polygon", 4),),  # a diamond
        "Blocked": (("polygon", 12),),  # a cross
        "Barred": (("polygon", 4), ("polygon", 4)),  # a square and its bar
    }
    legend = texts(root)
    assert all(word in legend for word in ("Clear", "Uncertain", "Blocked", "Barred"))


def _title_baselines(a: ET.Element) -> list[float]:
    return [float(t.get("y", 0)) for t in a.iter(f"{S}text")]


def test_scatter_stacks_options_that_share_a_cell_without_overlap() -> None:
    root = parse(scatter_chart())
    shared = ("/options/force", "/options/us", "/options/nasty?a=1&b=2")
    blocks = [_title_baselines(a) for a in links(root) if a.get("href") in shared]
    assert len(blocks) == 3
    spans = sorted((min(b) - 13, max(b) + 3) for b in blocks)  # from cap height to descenders
    for (_, bottom), (top, _) in itertools.pairwise(spans):
        assert bottom <= top, "labels of options in one cell overlap"
    # They stay inside their cell (the third of five rows, counting from the top).
    rects = [float(a.find("s:rect", NS).get("y")) for a in links(root) if a.get("href") in shared]
    assert len(set(rects)) == 3


def test_scatter_many_in_one_cell_grows_the_rows() -> None:
    crowd = [svg.ScatterPoint(f"Option {i}", f"/options/o{i}", 2, 2, "clear") for i in range(6)]
    few = scatter.scatter(crowd[:1], "X", "Y", SCALE, SCALE)
    many = scatter.scatter(crowd, "X", "Y", SCALE, SCALE)
    assert float(parse(many).get("height")) > float(parse(few).get("height"))
    tops = sorted(float(a.find("s:rect", NS).get("y")) for a in links(parse(many)))
    assert all(b - a >= 40 for a, b in itertools.pairwise(tops))


def test_scatter_wraps_long_titles_in_full_within_the_cell() -> None:
    # Titles used to be cut after two lines ("Article 5-style guarantee…"), on desktop too
    # (#19.10): the full name now takes the lines it needs, and the rows grow to hold it.
    long = "Article 5-style guarantee without NATO membership, as proposed by Italy in 2023"
    endless = " ".join(["guarantee"] * 60)
    chart = scatter.scatter(
        [
            svg.ScatterPoint(long, "/options/a5", 4, 4, "uncertain"),
            svg.ScatterPoint(endless, "/options/endless", 1, 1, "clear"),
        ],
        "X",
        "Y",
        SCALE,
        SCALE,
    )
    a, b = sorted(links(parse(chart)), key=lambda el: el.get("href") != "/options/a5")
    lines = texts(a)[:-1]
    assert " ".join(lines) == long and len(lines) > 2
    assert all(text_width(line, 12.5) <= (900 - 156 - 12) / 5 - 34 for line in lines)
    assert a.findtext("s:title", "", NS).startswith(long)  # the full title, on hover
    # A title past all reason is still cut, at eight lines, with an ellipsis.
    cut = texts(b)[:-1]
    assert len(cut) == scatter.LABEL_LINES and cut[-1].endswith("…")


def test_scatter_rows_are_as_tall_as_their_fullest_cell() -> None:
    # With every row as tall as the tallest, full names made the overview 1,219 px tall.
    long = "Reassurance force of the coalition of the willing: Multinational Force Ukraine"
    chart = scatter.scatter(
        [
            svg.ScatterPoint(long, "/options/long", 4, 4, "uncertain"),
            svg.ScatterPoint("Short", "/options/short", 1, 1, "clear"),
        ],
        "X",
        "Y",
        SCALE,
        SCALE,
    )
    root = parse(chart)
    tall = max(float(a.find("s:rect", NS).get("height")) for a in links(root))
    assert tall > 84
    # Four rows of the least height (84) and one that holds the long name.
    assert float(root.get("height")) == 64 + 4 * 84 + tall + 12 + 70


def test_scatter_names_options_it_cannot_place() -> None:
    chart = scatter_chart()
    assert "Not shown, for want of a score: Unscored idea." in chart.description
    assert "/options/unscored" not in chart.svg
    (table,) = chart.tables
    assert table.columns == ("Option", "Political feasibility", "Deterrence", "Veto status")
    assert table.rows[0] == ("Full NATO membership", "1 · Blocked", "5 · Agreed", "Blocked")
    assert ("Unscored idea", "not assessed", "4 · Likely", "Clear") in table.rows
    assert table.links[0] == "/options/nato"
    assert "2 clear, 2 uncertain, 1 blocked, 1 barred" in chart.description


# --- timeline --------------------------------------------------------------------------------


def timeline_chart() -> svg.Chart:
    return timeline.timeline(
        timeline_points(), holders(), TODAY, option_title="Full NATO membership"
    )


def test_timeline_band_has_one_interval_per_run_of_a_status() -> None:
    root = parse(timeline_chart())
    band = [r for r in root.iter(f"{S}rect") if r.get("fill-opacity")]
    # clear, uncertain, blocked (two points, one run), barred
    assert len(band) == 4
    xs = [float(r.get("x")) for r in band]
    assert xs == sorted(xs)
    for r, nxt in itertools.pairwise(band):
        assert float(r.get("x")) + float(r.get("width")) == pytest.approx(
            float(nxt.get("x")), abs=0.2
        )
    words = texts(root)
    assert {"Clear", "Uncertain", "Blocked", "Barred"} <= set(words)


def test_timeline_has_year_ticks_today_and_a_row_per_stakeholder() -> None:
    chart = timeline_chart()
    words = texts(parse(chart))
    assert [w for w in words if re.fullmatch(r"\d{4}", w)] == [
        "2022",
        "2023",
        "2024",
        "2025",
        "2026",
    ]
    assert "Today, 8 January 2026" in words
    assert {"Hungary", "France"} <= set(words)
    symbols = [w for w in words if w in ("++", "+", "0", "−", "−−", "?")]
    # Hungary 2 (its stances of 20 and 25 November 2023 would overlap: the earlier is a dot),
    # the second holder 1 (its 2027 stance is after today), France 1; legend 6
    assert len(symbols) == 2 + 1 + 1 + 6
    status, stances = chart.tables
    assert status.rows[0][:3] == ("1 March 2022", "1 June 2023", "Clear")
    assert status.rows[-1][:4] == (
        "1 February 2025",
        "today",
        "Barred",
        "Barred while martial law lasts.",
    )
    assert ("Hungary", "June 2023", "Unknown") in stances.rows
    assert not any(r[1] == "1 January 2027" for r in stances.rows)
    assert "barred since 1 February 2025" in chart.description


def today_x(root: ET.Element) -> float:
    dashed = [ln for ln in root.iter(f"{S}line") if ln.get("stroke-dasharray") == "4 3"]
    assert len(dashed) == 1
    return float(dashed[0].get("x1", "nan"))


@pytest.mark.parametrize("width", [900, 380])
def test_timeline_has_a_row_for_every_veto_holder_blockers_first(width: int) -> None:
    # Issue 19.2: the silent veto holders decide an "uncertain" status, so they get rows.
    chart = timeline.timeline(
        timeline_points(),
        holders(),
        TODAY,
        option_title="Full NATO membership",
        width=width,
        veto_holders=("fr", "hu", "sk", "si", "mk"),
        names={"si": "Slovenia", "mk": "North Macedonia", "hu": "Hungary", "fr": "France"},
    )
    root = parse(chart)
    words = texts(root)
    assert {"Slovenia", "North Macedonia"} <= set(words)
    ys = {w: float(t.get("y", "0")) for t in root.iter(f"{S}text") if (w := "".join(t.itertext()))}
    # Blockers (latest stance opposes) first, then unknowns, then the rest.
    assert ys[NASTY] < ys["Slovenia"] < ys["North Macedonia"] < ys["France"]
    assert ys["Hungary"] < ys["Slovenia"]  # Hungary opposes (its last stance, -1)
    assert "2 veto holders with no recorded stance are drawn as unknown" in chart.description
    assert ("Slovenia", "no dated stance", "Unknown") in chart.tables[1].rows


def test_timeline_draws_nothing_past_today() -> None:
    late = [
        HolderSeries(
            "us",
            "United States",
            tuple(
                StancePoint(PartialDate(d), p)
                for d, p in (("2025-12-20", 1), ("2025-12-28", -1), ("2026-01-05", -2))
            ),
        )
    ]
    root = parse(timeline.timeline(timeline_points(), late, TODAY, option_title="US"))
    edge = today_x(root)
    circles = [c for c in root.iter(f"{S}circle") if c.get("stroke") or c.get("r") == "3.5"]
    drawn = [float(c.get("cx", "0")) + float(c.get("r", "0")) for c in circles]
    assert drawn and max(drawn) <= edge + 0.5
    ends = [float(ln.get(k, "0")) for ln in root.iter(f"{S}line") for k in ("x1", "x2")]
    assert max(ends) <= edge + 0.5


def test_timeline_gives_the_recent_years_most_of_the_axis() -> None:
    # A record back to 1994: linear, 2024-26 got a ninth of the width. Now the years before
    # the last three are squeezed into a quarter, and the chart says so.
    old = [svg_point(dt.date(1994, 12, 5)), svg_point(dt.date(2025, 3, 1))]
    chart = timeline.timeline(old, [], dt.date(2026, 12, 6), option_title="Budapest")
    root = parse(chart)
    years = {
        t.text: float(t.get("x", "0"))
        for t in root.iter(f"{S}text")
        if re.fullmatch(r"\d{4}", t.text or "")
    }
    edge = today_x(root)
    assert (edge - years["2024"]) / (edge - 196) > 0.7
    assert "Years before 2024 are drawn compressed." in texts(root)
    assert "Years before 2024 are drawn compressed." in chart.description


def test_timeline_labels_thin_out_over_long_spans() -> None:
    old = [svg_point(dt.date(1994, 12, 5))]
    root = parse(timeline.timeline(old, [], TODAY, option_title="Budapest"))
    years = [
        (float(t.get("x")), t.text)
        for t in root.iter(f"{S}text")
        if re.fullmatch(r"\d{4}", t.text or "")
    ]
    assert len(years) >= 4
    assert all(b[0] - a[0] >= 44 for a, b in itertools.pairwise(years))


def svg_point(day: dt.date):
    from app.analysis.timeline import TimelinePoint

    return TimelinePoint(day, "uncertain", "Unknown.", (), (), ())


def test_timeline_without_records_says_so() -> None:
    chart = timeline.timeline([], [], TODAY, option_title="New idea")
    assert (
        chart.description == "No dated record of the veto status of New idea before 8 January 2026."
    )
    ET.fromstring(chart.svg)


# --- bars ------------------------------------------------------------------------------------


def test_bars_are_as_long_as_the_scores_with_whiskers_over_ranges() -> None:
    root = parse(bars.bars("Full NATO membership", bar_rows()))
    bars_ = [r for r in root.iter(f"{S}rect") if r.get("fill") == "#0b5cad"]
    widths = [float(r.get("width")) for r in bars_]
    assert widths == [2 * 52, 5 * 52, 4 * 52]  # the unassessed criterion has none
    whiskers = [ln for ln in root.iter(f"{S}line") if ln.get("stroke-width") == "2"]
    assert len(whiskers) == 2 * 3  # feasibility 1-3 and durability 2-5: a line and two caps
    words = texts(root)
    assert "2 · Unlikely" in words and "not assessed" in words and "lower is better" in words
    assert "Durability: survives a" in words  # a long name wraps instead of running over


def test_bars_table_and_description() -> None:
    chart = bars.bars("Full NATO membership", bar_rows())
    (table,) = chart.tables
    assert table.rows == (
        ("Political feasibility", "2", "1–3", "Unlikely"),
        ("Legal hurdles (lower is better)", "5", "", "Prohibitive"),
        ("Durability: survives a change of government in a guarantor", "4", "2–5", "Robust"),
        ("Speed", "not assessed", "", ""),
    )
    assert "Political feasibility 2 (range 1–3)" in chart.description


# --- rank chances ----------------------------------------------------------------------------


def test_rank_segments_are_as_wide_as_the_chances() -> None:
    root = parse(ranks.rank_chances(rank_rows(), method="exact"))
    segs = [r for r in root.iter(f"{S}rect") if r.get("height") == "28" and r.get("fill") != "none"]
    assert [round(float(r.get("width")) / 868, 2) for r in segs] == [0.62, 0.38, 0.38, 0.62]
    words = texts(root)
    assert "1st 62\u00a0%" in words and "2nd 38\u00a0%" in words
    assert "not ranked" in words
    assert "First in 62 % of cases" in words


def test_rank_chart_from_computed_chances() -> None:
    a = crit("a", 1)
    result = compute_rank_chances([opt("x", a=(2, 1, 3)), opt("y", a=(3, 2, 4))], [a], {})
    rows = ranks.rank_rows(result, {"x": "Option X", "y": "Option Y"})
    assert rows[0] == svg.RankRow(
        "Option X",
        (Fraction(2, 9), Fraction(7, 9)),
        ("22\u00a0%", "78\u00a0%"),
        result.of("x").summary,
    )
    chart = ranks.rank_chances(rows, method=result.method)
    assert "Method: exact." in chart.description
    (table,) = chart.tables
    assert table.columns == ("Option", "1st", "2nd", "In short")
    assert table.rows[1] == ("Option Y", "78\u00a0%", "22\u00a0%", "First in 78\u00a0% of cases")
