"""Paths through the pages a reader notices (#19.10): on a phone, a "Show N results" link
under the filters jumps to the results (by keyboard, and without JavaScript) and keeps its
count current; on a desktop, the overview chart names every option in full."""

import re

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import ARTIFACTS

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1440, "height": 900}


def test_show_n_results_jumps_from_the_filters_to_the_results(
    server: str, browser: Browser
) -> None:
    for js in (True, False):
        context = browser.new_context(viewport=PHONE, java_script_enabled=js)
        page = context.new_page()
        page.goto(server + "/")
        page.locator("summary.filters-summary").click()
        show = page.locator("#show-results")
        heading = page.locator("#results-heading")
        total = heading.inner_text().split(" of ")[1]  # "12 options"
        expect(show).to_have_text(f"Show {total.split()[0]} results")
        # In sight at the foot of the screen while the filters are open, not at their end.
        expect(show).to_be_in_viewport(ratio=1)
        if js:
            # A filter changes the count in the link, as it does in the results' heading.
            page.locator("#q").fill("NATO")
            expect(heading).not_to_have_text(f"{total.split()[0]} of {total}")
            n = heading.inner_text().split(" of ")[0]
            expect(show).to_have_text(f"Show {n} result{'s' if n != '1' else ''}")
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "home-375-filters-open.png"))
        # By keyboard: the link takes the focus and Enter jumps to the results.
        show.focus()
        expect(show).to_be_focused()
        page.keyboard.press("Enter")
        expect(heading).to_be_in_viewport(ratio=1)
        assert page.url.endswith("#results")
        context.close()


def test_show_n_results_is_for_phones_only(server: str, page: Page) -> None:
    page.set_viewport_size(DESKTOP)
    page.goto(server + "/")
    expect(page.locator("#results-heading")).to_be_visible()
    expect(page.locator("#show-results")).to_be_hidden()


def test_the_overview_names_every_option_in_full_on_a_desktop(server: str, page: Page) -> None:
    page.set_viewport_size(DESKTOP)
    page.goto(server + "/")
    chart = page.locator("#chart-overview")
    expect(chart).to_be_visible()
    # Each option's label: the lines of its link, joined, are its title (the link's <title>
    # begins with it); none is cut with an ellipsis.
    labels = chart.locator("a").evaluate_all(
        "links => links.map(a => [a.querySelector('title').textContent,"
        " [...a.querySelectorAll('text')].slice(0, -1).map(t => t.textContent).join(' ')])"
    )
    assert len(labels) >= 10
    for name, shown in labels:
        assert "…" not in shown and name.startswith(shown + ":"), (shown, name)
    page.screenshot(path=str(ARTIFACTS / "home-1440.png"), full_page=True)


def test_compare_selected_is_a_few_tabs_from_the_top(server: str, page: Page) -> None:
    # "Compare selected" sat 66 Tabs down the home page, behind the filters and the chart's
    # links; a skip link now reaches the compare bar above the option cards.
    page.set_viewport_size(DESKTOP)
    page.goto(server + "/?o=nato-membership,bilateral-agreements")
    for _ in range(3):
        page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to the options to compare")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Compare selected")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/compare\?o=bilateral-agreements,nato-membership$"))


def test_leaving_the_search_field_does_not_ask_again(server: str, page: Page) -> None:
    # Typing asks for the results once the reader pauses; leaving the field fires "change"
    # with the same query, which must not ask again (the answer would replace the "Show N
    # results" link under the focus). A different query still asks.
    page.set_viewport_size(PHONE)
    page.goto(server + "/")
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if r.headers.get("hx-request") else None)
    page.locator("summary.filters-summary").click()
    with page.expect_response(lambda r: "q=NATO" in r.url):
        page.locator("#q").fill("NATO")
    expect(page.locator("#show-results")).not_to_have_text(re.compile(r"Show 1[0-9] results"))
    page.locator("#show-results").focus()  # leaves the field: "change"
    page.wait_for_timeout(600)
    assert [u for u in asked if "q=NATO" in u] == [asked[0]], asked
    expect(page.locator("#show-results")).to_be_focused()
    with page.expect_response(lambda r: "q=EU" in r.url):
        page.locator("#q").fill("EU")
