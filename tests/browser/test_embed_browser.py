"""The embed on another site (#19.5): the embed code copied from a permanent link sizes its
frame to the ranking's height, follows it when the frame's width changes, and fits a 320 px
column; it listens to its own frame only. The frame stayed 620 px tall whatever it held."""

import httpx
from playwright.sync_api import Frame, Page, expect

from tests.browser.conftest import ARTIFACTS, another_site
from tests.helpers import first

FRAME_HEIGHT = "document.querySelector('iframe').getBoundingClientRect().height"
CONTENT_HEIGHT = "Math.ceil(document.documentElement.getBoundingClientRect().height)"


def in_a_column(body: str) -> str:
    """Another site's page with `body` in a column 320 px wide."""
    return (
        "<!doctype html><html lang=en><meta charset=utf-8><title>Another site</title>"
        f'<body style="margin:0"><div id="column" style="width:320px">{body}</div>'
    )


def embed_frame(page: Page) -> Frame:
    frame = next((f for f in page.frames if "/embed/c/" in f.url), None)
    assert frame is not None
    return frame


def test_the_embed_code_sizes_its_frame_to_the_ranking(server: str, page: Page) -> None:
    r = httpx.post(
        server + "/c",
        data={"o": "nato-membership,bilateral-agreements,eu-membership", "w": "", "assume": ""},
        follow_redirects=False,
    )
    page.goto(server + r.headers["location"])
    # The code names the public address (APP_PUBLIC_URL, here the default); this server's
    # address stands in for it.
    snippet = page.locator("#embed-code-text").input_value()
    snippet = snippet.replace("http://127.0.0.1:8000", server)
    script = first(snippet, "script")  # the resizing script is inline: nothing to fetch
    assert not [e for e in [script, *script.find_all_next(True)] if e.has_attr("src")]
    with another_site(in_a_column(snippet)) as url:
        page.goto(url)
        expect(page.frame_locator("iframe").locator("table.ranking")).to_be_visible()
        frame = embed_frame(page)

        # The parent cannot read the frame's height itself (another origin); the test can.
        def content() -> float:
            return float(frame.evaluate(CONTENT_HEIGHT))

        page.wait_for_function(f"{FRAME_HEIGHT} !== 620", polling=100, timeout=5000)
        assert abs(page.evaluate(FRAME_HEIGHT) - content()) <= 1
        # 320 px wide: nothing runs out sideways.
        assert frame.evaluate("document.documentElement.scrollWidth") <= 320
        ARTIFACTS.mkdir(exist_ok=True)
        page.set_viewport_size({"width": 375, "height": 812})
        page.screenshot(path=str(ARTIFACTS / "embed-320-in-another-site.png"), full_page=True)

        # A wider column: the ranking takes fewer lines and the frame follows it.
        narrow = page.evaluate(FRAME_HEIGHT)
        page.evaluate("document.getElementById('column').style.width = '900px'")
        page.wait_for_function(f"{FRAME_HEIGHT} < {narrow}", polling=100, timeout=5000)
        assert abs(page.evaluate(FRAME_HEIGHT) - content()) <= 1

        # A message from anywhere but the frame changes nothing.
        before = page.evaluate(FRAME_HEIGHT)
        page.evaluate("postMessage({type: 'policy-option-explorer:height', height: 5}, '*')")
        page.wait_for_timeout(300)
        assert page.evaluate(FRAME_HEIGHT) == before
