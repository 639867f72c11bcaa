"""The explore page in Chromium: htmx filtering, history, and the no-JavaScript form."""

import re

import pytest
from playwright.sync_api import Page, expect


def card_titles(page: Page) -> list[str]:
    return page.locator("#results .card h3 a").all_inner_texts()


def test_filters_swap_results_with_htmx_and_push_canonical_url(server: str, page: Page) -> None:
    page.goto(server + "/")
    expect(page.locator("#results-heading")).to_have_text("11 of 11 options")
    heading_before = page.locator("h1").element_handle()
    page.select_option("#veto-filter", "blocked")
    expect(page.locator("#results-heading")).to_have_text("2 of 11 options")
    expect(page).to_have_url(server + "/?veto=blocked")
    # Only the results were swapped: the page itself (and its h1 element) stayed.
    assert heading_before is not None and heading_before.is_visible()
    assert sorted(card_titles(page)) == sorted(
        ["Budapest-style security assurances", "Full NATO membership"]
    )
    page.fill("#q", "Budapest")
    expect(page.locator("#results-heading")).to_have_text("1 of 11 options")
    expect(page).to_have_url(server + "/?q=Budapest&veto=blocked")

    # Reload, back and forward restore the same state.
    page.reload()
    expect(page.locator("#results-heading")).to_have_text("1 of 11 options")
    expect(page.locator("#q")).to_have_value("Budapest")
    page.go_back()
    expect(page).to_have_url(server + "/?veto=blocked")
    expect(page.locator("#results-heading")).to_have_text("2 of 11 options")
    page.go_forward()
    expect(page).to_have_url(server + "/?q=Budapest&veto=blocked")
    expect(page.locator("#results-heading")).to_have_text("1 of 11 options")


def test_chip_removal_and_clear_all(server: str, page: Page) -> None:
    page.goto(server + "/?category=alliance&veto=blocked")
    expect(page.locator("#results-heading")).to_have_text("1 of 11 options")
    page.get_by_role("link", name=re.compile("Remove filter Veto status")).click()
    expect(page).to_have_url(server + "/?category=alliance")
    page.locator("a.chip.clear").click()
    expect(page).to_have_url(server + "/")
    expect(page.locator("#results-heading")).to_have_text("11 of 11 options")


def test_filter_form_works_without_javascript(server: str, nojs_page: Page) -> None:
    page = nojs_page
    page.goto(server + "/")
    page.check("input[name=category][value=alliance]")
    page.select_option("#veto-filter", "blocked")
    page.get_by_role("button", name="Apply filters").click()
    # The plain GET submits empty fields too; the server redirects to the canonical URL.
    expect(page).to_have_url(server + "/?category=alliance&veto=blocked")
    assert card_titles(page) == ["Full NATO membership"]
    expect(page.locator("#results-heading")).to_have_text("1 of 11 options")


def test_compare_checkboxes_lead_to_compare(server: str, nojs_page: Page) -> None:
    page = nojs_page
    page.goto(server + "/")
    page.check("#option-nato-membership input[name=o]")
    page.check("#option-article-5-extension input[name=o]")
    page.get_by_role("button", name="Compare selected").click()
    assert re.search(r"/compare\?o=", page.url)
    for slug in ("nato-membership", "article-5-extension"):
        assert slug in page.url


def test_hypothesis_changes_the_veto_status(server: str, page: Page) -> None:
    page.goto(server + "/options/budapest-assurances")
    verdict = page.locator("#decision-path .verdict")
    expect(verdict).to_contain_text("Blocked")
    page.get_by_role("link", name="What if Ukraine stopped opposing?").click()
    expect(page).to_have_url(server + "/options/budapest-assurances?assume=ua:0")
    expect(verdict).not_to_contain_text("Blocked")
    expect(verdict).to_contain_text("hypothetical")
    expect(page.locator(".hypothetical").first).to_contain_text("Stored data is unchanged")
    # The stored data did not change: without the hypothesis it is blocked again.
    page.goto(server + "/options/budapest-assurances")
    expect(verdict).to_contain_text("Blocked")


def test_compare_picker_works_by_keyboard_without_javascript(server: str, nojs_page: Page) -> None:
    page = nojs_page
    page.goto(server + "/compare?o=nato-membership&w=feasibility:5")
    assert page.get_by_role("heading", name="Choose options to compare").is_visible()
    box = page.get_by_role("checkbox", name=re.compile("Bilateral security agreements"))
    box.focus()
    page.keyboard.press("Space")
    assert box.is_checked()
    page.get_by_role("button", name="Compare").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/compare?o=nato-membership,bilateral-agreements&w=feasibility:5")
    assert page.get_by_role("heading", name="Compare 2 options").is_visible()


@pytest.mark.parametrize("scripts", [True, False])
def test_the_date_control_keeps_the_filters_changed_with_htmx(
    server: str, page: Page, nojs_page: Page, scripts: bool
) -> None:
    """With scripts, filters change by htmx and the date form must follow them (sent again out
    of band); without, every change reloads the page. Either way the day keeps the filters."""
    p = page if scripts else nojs_page
    p.goto(server + "/?veto=blocked")
    if scripts:
        p.select_option("#veto-filter", "barred")
        expect(p).to_have_url(server + "/?veto=barred")
    else:
        p.goto(server + "/?veto=barred")
    p.fill("#date-control-at", "2022-06-01")
    p.click("#date-control button")
    expect(p).to_have_url(server + "/?veto=barred&at=2022-06-01")
    expect(p.locator(".as-it-stood")).to_contain_text("Not yet proposed that day, so left out")
    expect(p.locator("#date-control-at")).to_have_value("2022-06-01")


def test_sources_search_swaps_results_with_htmx_and_works_without_javascript(
    server: str, page: Page, nojs_page: Page
) -> None:
    """Issue 19.7: the sources page filters like the explore page."""
    page.goto(server + "/sources")
    expect(page.locator("#results-heading")).to_have_text(re.compile(r"^\d+ sources$"))
    heading_before = page.locator("h1").element_handle()
    page.select_option("#source-option", "article-5-extension")
    page.select_option("#source-kind", "primary")
    expect(page).to_have_url(server + "/sources?option=article-5-extension&kind=primary")
    expect(page.locator("#results-heading")).to_have_text(re.compile(r"^8 of \d+ sources$"))
    assert heading_before is not None and heading_before.is_visible()
    page.fill("#source-q", "Paris Declaration")
    expect(page.locator("#results-heading")).to_have_text(re.compile(r"^1 of \d+ sources$"))
    page.fill("#source-q", "zzzz nothing")
    expect(page.locator("#results .empty")).to_contain_text("No source matches")

    nojs_page.goto(server + "/sources")
    nojs_page.select_option("#source-year", "2001")
    nojs_page.get_by_role("button", name="Show sources").click()
    expect(nojs_page).to_have_url(server + "/sources?year=2001")
    expect(nojs_page.locator("#results-heading")).to_have_text(re.compile(r"^\d+ of \d+ sources$"))
