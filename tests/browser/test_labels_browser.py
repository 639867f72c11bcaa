"""Paths and controls (#19.10): controls that need JavaScript show only when it runs, and the
home page offers "Skip to results" past its filters."""

import pytest
from playwright.sync_api import Page

COMPARE = "/compare?o=nato-membership,article-5-extension"


@pytest.mark.browser
def test_controls_that_need_javascript_are_hidden_without_it(
    server: str, page: Page, nojs_page: Page
) -> None:
    # "Copy link" and "Show only rows..." did nothing without JavaScript, yet showed.
    for pg in (page, nojs_page):
        pg.goto(server + "/options/nato-membership")
    assert page.get_by_role("button", name="Copy link").is_visible()
    assert not nojs_page.get_by_role("button", name="Copy link").is_visible()
    for pg in (page, nojs_page):
        pg.goto(server + COMPARE)
    toggle = "Show only rows where the options differ"
    assert page.get_by_label(toggle).is_visible()
    assert not nojs_page.get_by_label(toggle).is_visible()


@pytest.mark.browser
def test_skip_to_results_reaches_the_results_from_the_keyboard(server: str, page: Page) -> None:
    page.goto(server + "/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to results"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#results"
