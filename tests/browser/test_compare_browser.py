"""Pick options, compare, weigh, share, and open the permalink in a fresh browser context."""

import re

from playwright.sync_api import Browser, Page, expect


def table_text(page: Page) -> str:
    # The data rows; the live page adds column controls in the header that a permalink omits.
    return "\n".join(page.locator("table.comparison tbody").all_inner_texts())


def test_compare_weigh_share_and_reopen(server: str, page: Page, browser: Browser) -> None:
    page.goto(server + "/")
    page.check("#option-nato-membership input[name=o]")
    page.check("#option-reassurance-force input[name=o]")
    page.check("#option-article-5-extension input[name=o]")
    # Each tick lands in the URL (o=, in the cards' order) before anyone presses Compare.
    expect(page).to_have_url(
        re.compile(r"/\?o=article-5-extension,reassurance-force,nato-membership$")
    )
    page.get_by_role("button", name="Compare selected").click()
    expect(page).to_have_url(
        re.compile(r"/compare\?o=article-5-extension,reassurance-force,nato-membership$")
    )
    expect(page).to_have_title(re.compile("Compare"))
    ranking_before = page.locator("table.ranking").inner_text()

    # "Only differences" hides rows where all options agree, and survives a weight change.
    same_rows = page.locator("table.comparison tr.same")
    assert same_rows.count() > 0
    page.check("#only-diff")
    expect(same_rows.first).to_be_hidden()

    # A weight change updates the ranking in place and pushes w= into the URL.
    page.locator("label.pill", has=page.locator("input[name='w.feasibility'][value='0']")).click()
    expect(page).to_have_url(re.compile(r"w=feasibility:0"))
    expect(page.locator("table.ranking")).not_to_have_text(ranking_before)
    expect(page.locator("#only-diff")).to_be_checked()
    expect(page.locator("table.comparison tr.same").first).to_be_hidden()
    page.uncheck("#only-diff")
    ranking = page.locator("table.ranking").inner_text()
    table = table_text(page)

    page.get_by_role("button", name="Create permanent link").click()
    expect(page).to_have_url(re.compile(r"/c/[A-Za-z0-9_-]{8,}$"))
    link = page.url

    fresh = browser.new_context()
    other = fresh.new_page()
    other.goto(link)
    assert other.locator("table.ranking").inner_text() == ranking
    assert table_text(other) == table
    fresh.close()


def test_a_weight_change_updates_every_link_that_carries_the_weights(
    server: str, page: Page
) -> None:
    page.goto(server + "/compare?o=article-5-extension,nato-membership,reassurance-force")
    rows = table_text(page)
    page.locator("label.pill", has=page.locator("input[name='w.speed'][value='5']")).click()
    expect(page).to_have_url(re.compile(r"w=speed:5$"))
    # Sent again out of band: each column's links, the downloads, the permanent-link form.
    for slug in ("article-5-extension", "nato-membership", "reassurance-force"):
        remove = page.locator(f"#col-controls-{slug} a", has_text="Remove")
        expect(remove).to_have_attribute("href", re.compile(r"&w=speed:5$"))
    expect(page.locator("#compare-exports a", has_text="CSV")).to_have_attribute(
        "href", re.compile(r"w=speed:5$")
    )
    expect(page.locator("#share-bar input[name=w]")).to_have_value("speed:5")
    # The table itself was not sent again, and reads the same.
    assert table_text(page) == rows
    # A second change, before or after the first answer, lands too.
    page.locator("label.pill", has=page.locator("input[name='w.deterrence'][value='0']")).click()
    expect(page).to_have_url(re.compile(r"w=deterrence:0,speed:5$"))
    expect(page.locator("#col-controls-nato-membership a", has_text="Remove")).to_have_attribute(
        "href", re.compile(r"w=deterrence:0,speed:5$")
    )
