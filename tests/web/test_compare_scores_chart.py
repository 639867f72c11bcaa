"""The compare page's scores chart: every option on one axis, criterion by criterion, in place of
one chart per option; the same under every weighting; downloadable like the other charts."""

import io
import re
from xml.etree import ElementTree as ET

from bs4 import Tag
from fastapi.testclient import TestClient
from PIL import Image

from tests.helpers import first, in_order, one, parse, select
from tests.web.test_answers import permalink

FOUR = "o=article-5-extension,bilateral-agreements,nato-membership,reassurance-force"
SVG = "{http://www.w3.org/2000/svg}"


def grouped_svg(html: str) -> Tag:
    return one(one(html, "#chart-grouped-figure"), "svg")


def svg_texts(svg: Tag) -> list[str]:
    return [t.get_text() for t in select(svg, "text")]


def download_texts(svg: ET.Element) -> list[str]:
    """The words of a downloaded SVG file, read as XML."""
    return ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]


def test_one_chart_names_every_option_and_criterion_and_draws_the_ranges(
    ukraine: TestClient,
) -> None:
    html = ukraine.get(f"/compare?{FOUR}").text
    data = ukraine.get(f"/compare.json?{FOUR}").json()
    # One chart, where there was one per option, right after the ranking.
    assert 'id="chart-scores-' not in html and len(select(html, '[class="chart"]')) == 1
    assert in_order(html, "#ranking", "#chart-grouped", "#table-heading")
    svg = grouped_svg(html)
    assert svg.get("role") == "img"
    words = " ".join(svg_texts(svg))
    flat = re.sub(r"\s+", " ", words)
    # Every option's whole title, in the legend, by its number.
    titles = [o["title"] for o in data["options"]]
    assert len(titles) == 4
    for title in titles:
        assert title in flat or all(w in flat for w in title.split()), title
    desc = one(svg, "desc").get_text()
    for i, title in enumerate(titles, 1):
        assert f"{i} {title}" in desc
    # Every criterion, whole (never cut with an ellipsis), with its direction.
    scores = [r for r in data["rows"] if r["kind"] == "score"]
    assert len(scores) == 7
    lines = svg_texts(svg)
    for row in scores:
        assert row["label"] in flat, row["label"]
        assert not any(t.endswith("…") and row["label"].startswith(t[:-1]) for t in lines)
    lower = [r["label"] for r in scores if r["lower_is_better"]]
    assert lines.count("lower is better") == len(lower) == 3
    # A bar per option and criterion, and a whisker (3 lines) per score with a range.
    bars = select(svg, 'rect[height="12"]')
    assert len(bars) == 4 * 7
    ranged = sum(
        1
        for row in scores
        for c in row["cells"]
        if c["score"] is not None and (c["low"], c["high"]) != (c["score"], c["score"])
    )
    assert ranged > 10
    thick = select(svg, 'line[stroke-width="2"]')
    assert len(thick) == 3 * ranged
    # The side-by-side table below is its data, named under it.
    section = one(html, 'section[class="grouped-scores"]')
    assert select(section, '[href="#table-heading"]')


def test_the_chart_is_the_same_under_every_weighting(ukraine: TestClient) -> None:
    this = parse(ukraine.get(f"/compare?{FOUR}&w=deterrence:5,speed:0").text)
    other = parse(ukraine.get(f"/compare?{FOUR}&w=feasibility:0").text)
    ranking = 'section[class^="ranking-box"]'
    assert str(first(this, ranking)) != str(first(other, ranking))  # the ranking differs ...
    part = 'section[class="grouped-scores"]'
    a, b = one(this, part), one(other, part)
    assert str(a) == str(b)  # ... the scores chart, its downloads included, does not
    assert "w=" not in str(a) and select(a, 'a[href^="/compare/scores.svg?o="]')


def test_the_chart_downloads_with_its_credits_live_and_frozen(ukraine: TestClient) -> None:
    svg = ukraine.get(f"/compare/scores.svg?{FOUR}")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    doc = ET.fromstring(svg.content)
    words = " ".join(download_texts(doc))
    assert "Scores by criterion" in words and "Full NATO membership" in words
    assert "Licence" in words and "/compare?o=article-5-extension" in words
    assert "Weights" not in words  # no weight changes it, so it names none
    png = ukraine.get(f"/compare/scores.png?{FOUR}")
    assert png.status_code == 200 and Image.open(io.BytesIO(png.content)).format == "PNG"
    # Weights are not a parameter of it: one address per comparison.
    assert ukraine.get(f"/compare/scores.svg?{FOUR}&w=speed:5").status_code == 400
    link = permalink(ukraine, "nato-membership,bilateral-agreements", "speed:5")
    page = ukraine.get(link).text
    assert f'href="{link}/scores.svg" download' in page
    frozen = ukraine.get(f"{link}/scores.svg")
    assert frozen.status_code == 200 and b"Full NATO membership" in frozen.content
    assert ukraine.get(f"{link}/scores.png").status_code == 200
    assert ukraine.get(f"{link}/nothing.svg").status_code == 404
