"""Option pages a phone can read (issue 19): short at 375 px, no paragraph printed twice."""

import httpx
from playwright.sync_api import Browser

PHONE = {"width": 375, "height": 812}
MAX_HEIGHT = 8_000  # px at 375 px wide: about ten screens

# Every block of prose on the page, with its whitespace collapsed; folded ones included. A
# chart's data table is the chart's twin, and a citation may back two claims: neither is prose.
BLOCKS = """() => Array.from(
  document.querySelectorAll('main p, main li, main td, main dd, main blockquote'))
  .filter(e => !e.closest('.chart-data, .sources-line'))
  .map(e => e.textContent.replace(/\\s+/g, ' ').trim())
  .filter(t => t.length >= 40)"""


def option_slugs(server: str) -> list[str]:
    return [o["slug"] for o in httpx.get(server + "/api/v1/options").json()["options"]]


def test_every_default_option_page_is_under_8000_px_on_a_phone(
    server: str, browser: Browser
) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    heights = {}
    for slug in option_slugs(server):
        page.goto(f"{server}/options/{slug}")
        heights[slug] = page.evaluate("document.documentElement.scrollHeight")
    context.close()
    assert len(heights) == 11
    assert {s: h for s, h in heights.items() if h >= MAX_HEIGHT} == {}


def test_no_paragraph_repeats_on_an_option_page(server: str, browser: Browser) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    repeated = {}
    for slug in option_slugs(server):
        page.goto(f"{server}/options/{slug}")
        blocks: list[str] = page.evaluate(BLOCKS)
        twice = sorted({b[:80] for b in blocks if blocks.count(b) > 1})
        if twice:
            repeated[slug] = twice
    context.close()
    assert repeated == {}, "\n".join(f"{k}: {v}" for k, v in repeated.items())
