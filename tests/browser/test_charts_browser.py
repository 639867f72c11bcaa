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
