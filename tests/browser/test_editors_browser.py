"""The editors' loop in a real browser: an editor signs in and proposes a stance with a new
source, a reviewer approves it, and a reader sees it on the option page, on /changes with both
names, and in a permanent link's "since this link" list. Then axe and the Nu checker on the
editors' pages, with screenshots at phone and desktop widths."""

import shutil
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.engine import Engine

from app.config import Settings
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_quality import AXE, nu_errors
from tests.helpers import PASSWORD, add_user
from tests.servers import Server

SUMMARY = "Browser test: Hungary's position recorded by the editors' loop."
REPORT = "Browser test: Hungary's newest statement on NATO membership is missing here."


def sign_in(page: Page, server: str, name: str) -> None:
    page.goto(server + "/login")
    page.fill("#f-name", name)
    page.fill("#f-password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator(".signed-in")).to_contain_text(f"Signed in as {name}")


def propose_stance(page: Page, server: str, preview: bool = True, go: bool = True) -> None:
    """Fill the stance form (opened from the option page unless `go` is False)."""
    if go:
        page.goto(server + "/options/nato-membership")
        page.click("text=propose a change")
    page.select_option("#f-stakeholder", "hu")
    page.select_option("#f-position", "-2")
    page.fill("#f-date", "2026-07-01")
    page.fill("#f-summary", SUMMARY)
    page.fill("#f-source_url", "https://example.org/browser-test/hungary")
    page.fill("#f-source_title", "Browser test source")
    page.fill("#f-source_publisher", "Example Test Desk")
    page.fill("#f-source_date", "2026-07-01")
    page.select_option("#f-source_kind", "secondary")
    page.fill("#f-note", "Browser test: a stance proposed through the form.")
    if preview:
        page.click("button[name=preview]")
        expect(page.locator("#preview-heading")).to_be_visible()


@pytest.fixture
def team(engine: Engine) -> None:
    for name, role in (("eve", "editor"), ("rita", "reviewer"), ("ada", "admin")):
        add_user(engine, name, role)


def test_propose_review_publish_and_read(
    server: str, browser: Browser, team: None, migrated: Settings
) -> None:
    """The reviewer works on a second instance of the app over the same database, a separate
    `explorer serve` process: sessions, proposals and the new revision live in the database,
    not in a process; readers of either instance see the change."""
    made = httpx.post(
        server + "/c",
        data={"o": "nato-membership,article-5-extension", "w": "", "assume": ""},
        follow_redirects=False,
    )
    link = made.headers["location"]

    editor = browser.new_context().new_page()
    sign_in(editor, server, "eve")
    propose_stance(editor, server)
    expect(editor.locator(".preview")).to_contain_text("Hungary")
    editor.click("button[name=submit]")
    expect(editor.locator("h1")).to_contain_text("Proposal 1: open")
    expect(editor.locator("text=Approve and publish")).to_have_count(0)  # not one's own
    editor.context.close()

    with Server(migrated.database_url) as process:
        second = process.base
        reviewer = browser.new_context().new_page()
        sign_in(reviewer, second, "rita")
        reviewer.goto(second + "/review")
        expect(reviewer.locator("#proposal-1-heading")).to_contain_text("by eve")
        reviewer.fill("#comment-1", "Checked against the source.")
        reviewer.click("text=Approve and publish")
        expect(reviewer.locator("h1")).to_contain_text("Proposal 1: approved")
        reviewer.context.close()

        reader = browser.new_context().new_page()
        for base in (server, second):
            reader.goto(base + "/options/nato-membership")
            expect(reader.locator("main")).to_contain_text(SUMMARY)
            reader.goto(base + "/changes")
            expect(reader.locator("#revision-2")).to_contain_text(
                "Proposed by eve, approved by rita"
            )
            reader.goto(base + link)
            expect(reader.locator("#since")).to_contain_text("Hungary")
        reader.context.close()


def test_a_readers_report_becomes_a_published_correction(
    server: str, browser: Browser, team: None
) -> None:
    """A reader reports an error from the option page; an editor finds it in the queue and
    turns it into a proposal (the form names the report and offers its source); a reviewer
    approves it, and the report leaves the queue, resolved."""
    reader = browser.new_context().new_page()
    reader.goto(server + "/options/nato-membership")
    reader.click("text=Report an error")
    reader.fill("#r-text", REPORT)
    reader.fill("#r-source_url", "https://example.org/browser-test/hungary")
    reader.click("text=Send the report")
    expect(reader.locator("h1")).to_contain_text("Thank you")
    reader.context.close()

    editor = browser.new_context().new_page()
    sign_in(editor, server, "eve")
    editor.goto(server + "/review")
    expect(editor.locator("#report-1-heading")).to_contain_text("Report 1")
    expect(editor.locator("#option-1")).to_have_value("nato-membership")
    editor.click("#report-1-heading ~ form.report-propose button")
    expect(editor.locator(".reader-report")).to_contain_text(REPORT)
    expect(editor.locator("#f-source_url")).to_have_value(
        "https://example.org/browser-test/hungary"
    )
    propose_stance(editor, server, go=False)
    editor.click("button[name=submit]")
    expect(editor.locator("h1")).to_contain_text("Proposal 1: open")
    editor.goto(server + "/review")
    expect(editor.locator("#report-1-heading ~ dl")).to_contain_text("Proposal 1")
    editor.context.close()

    reviewer = browser.new_context().new_page()
    sign_in(reviewer, server, "rita")
    reviewer.goto(server + "/proposals/1")
    reviewer.click("text=Approve and publish")
    expect(reviewer.locator("h1")).to_contain_text("Proposal 1: approved")
    reviewer.goto(server + "/review")
    expect(reviewer.locator("#reports")).to_contain_text("Reports from readers (0)")
    reviewer.context.close()


def check(page: Page, name: str, shown: dict[str, str], found: dict[str, list[str]]) -> None:
    """axe on the page as it stands, its HTML kept for the Nu checker, and screenshots."""
    shown[name] = page.content()
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    if result["violations"]:
        found[name] = [f"{v['id']}: {v['nodes'][0]['target']}" for v in result["violations"]]
    ARTIFACTS.mkdir(exist_ok=True)
    for width in (375, 1440):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"editors-{name}-{width}.png"), full_page=True)


def test_editors_pages_pass_axe_and_the_nu_checker(
    server: str, browser: Browser, team: None, tmp_path: Path
) -> None:
    context = browser.new_context(bypass_csp=True)  # axe is injected as a script
    page = context.new_page()
    shown: dict[str, str] = {}
    found: dict[str, list[str]] = {}
    page.goto(server + "/report?page=/stakeholders/hu")
    page.fill("#r-text", REPORT)
    page.click("text=Send the report")
    page.goto(server + "/login")
    check(page, "login", shown, found)
    sign_in(page, server, "eve")
    page.goto(server + "/stakeholders/hu")
    page.click("text=propose a change")
    check(page, "propose-start", shown, found)
    page.goto(server + "/propose?report=1&stakeholder=hu&option=nato-membership")
    check(page, "propose-report", shown, found)
    propose_stance(page, server)
    check(page, "propose-preview", shown, found)
    page.click("button[name=submit]")
    check(page, "proposal", shown, found)
    page.goto(server + "/options/nato-membership/propose")
    page.fill("#f-date", "2026-02-30")
    page.click("button[name=preview]")
    check(page, "propose-errors", shown, found)
    page.goto(server + "/options/nato-membership/propose?kind=score")
    check(page, "propose-score", shown, found)
    page.click("form.signed-in button")
    sign_in(page, server, "rita")
    page.goto(server + "/review")
    check(page, "review", shown, found)
    page.click("form.signed-in button")
    sign_in(page, server, "ada")
    page.goto(server + "/admin/audit")
    check(page, "audit", shown, found)
    context.close()
    assert found == {}
    java = shutil.which("java")
    assert java, "Java is needed for the Nu Html Checker"
    files = []
    for i, html in enumerate(shown.values()):
        f = tmp_path / f"page{i}.html"
        f.write_text(html)
        files.append(str(f))
    assert nu_errors(java, files, list(shown)) == []


def test_propose_a_change_shows_to_signed_in_editors_only(
    server: str, page: Page, team: None
) -> None:
    """Pages are cached and the same for everyone; the link shows in a signed-in browser."""
    page.goto(server + "/options/nato-membership")
    expect(page.locator(".editors-link")).to_be_hidden()
    sign_in(page, server, "eve")
    page.goto(server + "/options/nato-membership")
    expect(page.locator(".editors-link")).to_be_visible()
    page.goto(server + "/review")
    page.get_by_role("button", name="Sign out").click()
    page.goto(server + "/options/nato-membership")
    expect(page.locator(".editors-link")).to_be_hidden()
