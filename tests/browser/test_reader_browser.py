"""What a reader notices, in Chromium (issue 13): the answer in the first screen, results before
filters on a phone, the option summary, loading feedback, the compare selection kept in the
URL, the weight pills, copying an embed code, which pages may be framed, and the preview images
(saved to test-artifacts/ to be looked at)."""

import re
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import httpx
from playwright.sync_api import Browser, Page, Route, expect

from tests.browser.conftest import ARTIFACTS
from tests.helpers import permalink_code

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1440, "height": 900}


def bottom(page: Page, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box["y"] + box["height"]


def top(page: Page, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box["y"]


def test_home_on_a_phone_shows_results_first_and_folds_the_filters(
    server: str, browser: Browser
) -> None:
    for js in (True, False):
        context = browser.new_context(viewport=PHONE, java_script_enabled=js)
        page = context.new_page()
        page.goto(server + "/?category=alliance&category=guarantee")
        summary = page.locator("summary.filters-summary")
        expect(summary).to_have_text("Filters (2)")
        expect(page.locator("#filters")).to_be_hidden()
        # The answer and the first result come before any filter control.
        assert top(page, ".answer") < top(page, "#results .card")
        assert top(page, "#results .card") < 812 * 2
        # The summary opens the filters without JavaScript.
        summary.click()
        expect(page.locator("#q")).to_be_visible()
        context.close()


def test_home_on_a_desktop_answers_in_the_first_screen(server: str, browser: Browser) -> None:
    for js in (True, False):
        context = browser.new_context(viewport=DESKTOP, java_script_enabled=js)
        page = context.new_page()
        page.goto(server + "/")
        expect(page.locator("#q")).to_be_visible()  # the sidebar is open
        expect(page.locator("summary.filters-summary")).to_have_text("Filters (0)")
        assert bottom(page, ".answer") < 900
        assert top(page, "#chart-overview") < 600
        expect(page.locator("#chart-overview-compact")).to_be_hidden()
        context.close()


def test_option_summary_fits_the_first_screen(server: str, browser: Browser) -> None:
    for viewport in (DESKTOP, PHONE):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        page.goto(server + "/options/nato-membership")
        height = viewport["height"]
        for selector in (".data-line", ".verdict-box", ".glance .scores", "#share-url"):
            assert bottom(page, selector) <= height, (viewport, selector)
        expect(page.locator(".verdict-box")).to_contain_text("Poland, Slovakia and United States")
        assert bottom(page, "button[data-copy=share-url]") <= height, viewport
        context.close()


def test_a_loading_indicator_shows_while_htmx_waits(server: str, page: Page) -> None:
    page.goto(server + "/")
    indicator = page.locator("#loading")
    expect(indicator).to_have_css("opacity", "0")

    def slow(route: Route) -> None:
        if route.request.headers.get("hx-request"):
            time.sleep(0.8)
        route.continue_()

    page.route(re.compile(r".*/\?.*"), slow)
    page.select_option("#veto-filter", "blocked")
    expect(indicator).to_have_class(re.compile("htmx-request"))
    expect(indicator).to_have_css("opacity", "1")
    expect(page.locator("#results-heading")).to_have_text("2 of 11 options")
    expect(indicator).not_to_have_class(re.compile("htmx-request"))


def test_ticked_options_survive_filter_changes(server: str, page: Page) -> None:
    page.goto(server + "/")
    page.check("#pick-nato-membership")
    expect(page).to_have_url(server + "/?o=nato-membership")
    page.check("#pick-bilateral-agreements")
    expect(page).to_have_url(re.compile(r"o=bilateral-agreements,nato-membership$"))
    expect(page.locator("#pick-bilateral-agreements")).to_be_focused()
    # A filter that hides one of them keeps both in the selection.
    page.select_option("#veto-filter", "blocked")
    expect(page).to_have_url(re.compile(r"\?veto=blocked&o=bilateral-agreements,nato-membership$"))
    expect(page.locator("#pick-nato-membership")).to_be_checked()
    expect(page.locator(".compare-bar")).to_contain_text("2 ticked")
    page.select_option("#veto-filter", "")
    expect(page.locator("#pick-bilateral-agreements")).to_be_checked()
    page.get_by_role("button", name="Compare selected").click()
    expect(page).to_have_url(server + "/compare?o=bilateral-agreements,nato-membership")


def test_comparing_fewer_than_two_explains_on_the_same_page(server: str, browser: Browser) -> None:
    for js in (True, False):
        context = browser.new_context(java_script_enabled=js)
        page = context.new_page()
        page.goto(server + "/")
        page.check("#pick-nato-membership")
        if not js:  # without JavaScript the tick is sent with the button
            expect(page).to_have_url(server + "/")
        page.get_by_role("button", name="Compare selected").click()
        notice = page.locator(".notice-compare")
        expect(notice).to_contain_text("tick at least two options")
        expect(notice).to_contain_text("only one is ticked")
        assert "/compare" not in page.url
        context.close()


def test_weight_pills_rerank_in_place(server: str, page: Page) -> None:
    page.goto(server + "/compare?o=article-5-extension,nato-membership,reassurance-force")
    first = page.locator("table.ranking tbody tr").first.locator("th")
    expect(first).to_have_text(re.compile("Article 5-style"))
    page.locator("label.pill", has=page.locator("input[name='w.deterrence'][value='5']")).click()
    page.locator("label.pill", has=page.locator("input[name='w.feasibility'][value='0']")).click()
    expect(page).to_have_url(re.compile(r"w=deterrence:5,feasibility:0$"))
    expect(first).to_have_text("Full NATO membership")
    expect(page.locator(".leader-warning")).to_contain_text("Full NATO membership is blocked")
    # The share form at the top now freezes these weights.
    expect(page.locator("#share-bar input[name=w]")).to_have_value("deterrence:5,feasibility:0")


def test_copy_embed_code(server: str, browser: Browser) -> None:
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(server + "/compare?o=nato-membership,bilateral-agreements")
    page.get_by_role("button", name="Create permanent link").click()
    expect(page).to_have_url(re.compile(r"/c/[A-Za-z0-9_-]+$"))
    code = permalink_code(page.url)
    page.get_by_text("Embed this comparison on another site").click()
    page.get_by_role("button", name="Copy embed code").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith(f'<iframe src="http://127.0.0.1:8000/embed/c/{code}"')
    context.close()


def test_only_embed_pages_show_in_another_sites_frame(server: str, page: Page) -> None:
    r = httpx.post(
        server + "/c",
        data={"o": "nato-membership,bilateral-agreements", "w": "", "assume": ""},
        follow_redirects=False,
    )
    link = r.headers["location"]
    code = permalink_code(link)
    # Another site: a page on another port (another origin) that frames two of ours.
    parent = (
        "<!doctype html><title>Another site</title>"
        f'<iframe id="embed" src="{server}/embed/c/{code}" title="embed"></iframe>'
        f'<iframe id="page" src="{server}{link}" title="page"></iframe>'
    ).encode()

    class Parent(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(parent)

        def log_message(self, *args: object) -> None:
            pass

    other = HTTPServer(("127.0.0.1", 0), Parent)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    page.goto(f"http://127.0.0.1:{other.server_address[1]}/")
    embed = page.frame_locator("#embed")
    # The embed shows the ranking first (its heading is "Weighted ranking"), options named in it.
    expect(embed.locator("h1")).to_have_text("Weighted ranking")
    expect(embed.locator("main")).to_contain_text("Full NATO membership")
    time.sleep(0.5)
    # The permanent link itself refuses (frame-ancestors 'none'): Chromium shows its error page.
    framed = page.frame(name="page")
    assert framed is not None and "Full NATO membership" not in framed.content()
    other.shutdown()


def test_preview_images_are_saved_for_a_look(server: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    r = httpx.post(
        server + "/c",
        data={"o": "article-5-extension,nato-membership,reassurance-force", "w": "", "assume": ""},
        follow_redirects=False,
    )
    link = r.headers["location"]
    images = {
        "preview-site": "/preview.png",
        "preview-option-nato-membership": "/options/nato-membership/preview.png",
        "preview-option-eu-membership": "/options/eu-membership/preview.png",
        "preview-option-bilateral-agreements": "/options/bilateral-agreements/preview.png",
        "preview-permalink": f"{link}/preview.png",
        "chart-overview": "/charts/overview.png",
        "chart-timeline-nato-membership": "/options/nato-membership/timeline.png",
        "chart-ranks-permalink": f"{link}/ranks.png",
    }
    for name, path in images.items():
        got = httpx.get(server + path)
        assert got.status_code == 200 and got.headers["content-type"] == "image/png", path
        (ARTIFACTS / f"{name}.png").write_bytes(got.content)
