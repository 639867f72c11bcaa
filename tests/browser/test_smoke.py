from playwright.sync_api import Page, expect


def test_home_page_title_in_chromium(server: str, page: Page) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(server + "/")
    expect(page).to_have_title("Security guarantees for Ukraine")
    expect(page.locator("h1")).to_contain_text("Which security guarantee")
    # No CSP violations or failed loads: everything comes from this server.
    assert errors == []
