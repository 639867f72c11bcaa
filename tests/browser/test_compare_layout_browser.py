"""The compare page shows the comparison first: on a 1440 x 900 screen the ranking with each
option's veto status and route fills the first screen, the scores chart follows the ranking and
the side-by-side table starts within two screens; on a 375 px phone every option's value of a
criterion is in view, one under another, with no sideways scrolling. Screenshots land in
test-artifacts/ for a human to look at."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import ARTIFACTS

FOUR = "/compare?o=article-5-extension,bilateral-agreements,nato-membership,reassurance-force"


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    yield context.new_page()
    context.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True)
    yield context.new_page()
    context.close()


def top(page: Page, selector: str) -> float:
    return float(page.locator(selector).first.evaluate("e => e.getBoundingClientRect().top"))


def test_a_desktop_shows_ranking_veto_routes_chart_and_table_within_two_screens(
    server: str, desktop: Page
) -> None:
    desktop.goto(server + FOUR)
    ARTIFACTS.mkdir(exist_ok=True)
    desktop.screenshot(path=str(ARTIFACTS / "compare-layout-1440.png"), full_page=True)
    # The side-by-side table's heading starts within two screens.
    assert top(desktop, "#table-heading") < 1800
    # The scores chart comes right after the ranking, before the table, and is seen.
    assert desktop.evaluate("document.getElementById('ranking').nextElementSibling.id") == "scores"
    chart = desktop.locator("#chart-grouped")
    expect(chart).to_be_visible()
    assert top(desktop, "#chart-grouped") < top(desktop, "#table-heading")
    # Each option's veto status and route, in the ranking, on the first screen.
    rows = desktop.locator("table.ranking tbody tr")
    assert rows.count() == 4
    for i in range(4):
        cell = rows.nth(i).locator("td[data-label=Veto]")
        expect(cell.locator(".veto")).to_be_visible()
        expect(cell.locator(".route-line")).to_be_visible()
        box = cell.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 900, cell.inner_text()
    expect(rows.nth(1).locator(".route-line")).to_contain_text(
        "By national commitments by the guarantors (best of 2 routes)"
    )
    # The page does not scroll sideways.
    assert desktop.evaluate("document.documentElement.scrollWidth") <= 1440


def test_a_phone_shows_every_option_of_a_criterion_in_view(server: str, phone: Page) -> None:
    phone.goto(server + FOUR)
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "compare-layout-375.png"), full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    titles = phone.locator("table.comparison thead th[scope=col] > a").all_inner_texts()
    assert len(titles) == 4
    rows = phone.locator("table.comparison tbody tr[data-row^='score:']")
    assert rows.count() == 7
    for row in [*rows.all(), phone.locator("tr[data-row=veto]").first]:
        cells = row.locator("td")
        assert cells.count() == 4
        for i in range(4):
            cell = cells.nth(i)
            # Labelled with its option's name, wholly inside the screen's width.
            label = cell.evaluate("e => getComputedStyle(e, '::before').content")
            assert label.strip('"') == titles[i]
            box = cell.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
            assert box["width"] > 200  # a line of its own, not a squeezed column
    # "Only rows where the options differ" still hides the rows where all agree.
    phone.goto(server + "/compare?o=article-5-extension,nato-membership,reassurance-force")
    same = phone.locator("table.comparison tr.same").first
    expect(same).to_be_visible()
    phone.check("#only-diff")
    expect(same).to_be_hidden()
