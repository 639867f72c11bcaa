"""The charts inlined in a page pass axe-core, and their links have the names a screen reader
announces."""

import re

import pytest
from playwright.sync_api import Browser

from tests.browser.test_quality import AXE
from tests.charts.samples import all_charts
from tests.charts.test_charts_in_html import html_page


@pytest.mark.browser
def test_axe_finds_no_violations_in_inlined_charts(browser: Browser) -> None:
    assert AXE.exists(), "run `make node` to install axe-core"
    context = browser.new_context()
    pg = context.new_page()
    pg.set_content(html_page(all_charts()))
    pg.add_script_tag(path=str(AXE))
    result = pg.evaluate("async () => await axe.run(document)")
    # Each scatter point is a link named by its full title, status and scores.
    named = pg.get_by_role("link", name=re.compile(r"^Full NATO membership: Blocked; "))
    assert named.count() == 1
    assert pg.get_by_role("group", name=re.compile(r"against Political feasibility")).count() == 1
    context.close()
    violations = [f"{v['id']}: {v['nodes'][0]['target']}" for v in result["violations"]]
    assert violations == []


# Every visible chart text, in rendered CSS pixels: the font size in SVG units times the SVG's
# scale (its drawn width over its viewBox width).
RENDERED_TEXT_SIZES = """() => [...document.querySelectorAll('svg.chart')]
  .filter(svg => svg.getBoundingClientRect().width > 0)
  .flatMap(svg => {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return [...svg.querySelectorAll('text')]
      .filter(t => t.getBoundingClientRect().width > 0)
      .map(t => ({
        chart: svg.id,
        text: t.textContent,
        px: parseFloat(getComputedStyle(t).fontSize) * scale,
      }));
  })"""


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/options/article-5-extension", "/options/nato-membership", "/"])
def test_no_chart_text_under_11_px_on_a_phone(browser: Browser, server: str, path: str) -> None:
    # Issue 19.2: the timeline's smallest text rendered at 6.8 px on a phone, score charts at
    # 8.2 px.
    context = browser.new_context(viewport={"width": 375, "height": 812})
    pg = context.new_page()
    pg.goto(server + path)
    sizes = pg.evaluate(RENDERED_TEXT_SIZES)
    context.close()
    charts = {s["chart"] for s in sizes}
    assert sizes and (path == "/" or any(c.startswith("chart-timeline") for c in charts))
    small = sorted((round(s["px"], 1), s["chart"], s["text"]) for s in sizes if s["px"] < 11)
    assert small == []
