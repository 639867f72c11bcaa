"""Accessibility (axe-core), HTML validity (Nu Html Checker) and layout at phone and desktop
widths. Screenshots land in test-artifacts/ for a human to look at."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser

from app.config import ROOT
from tests.browser.conftest import ARTIFACTS
from tests.helpers import permalink_code

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
PAGES = [
    "/",
    "/?category=alliance&veto=blocked",
    "/?x=speed&y=durability&o=nato-membership,bilateral-agreements",
    "/?o=nato-membership&compare=1",
    "/options/article-5-extension",
    "/options/eu-membership",
    "/stakeholders",
    "/stakeholders/hu",
    "/matrix",
    "/sources",
    "/sources?option=article-5-extension&kind=primary",
    "/sources?q=zzzz-nothing",
    "/sources/north-atlantic-treaty",
    "/sources/nato-vilnius-2023",
    "/options/no-such-option",
    "/?x=nope",
    "/changes",
    "/methodology",
    "/api/docs",
    "/login",
    "/options/nato-membership?at=2025-06-12",
    "/?at=2022-06-01",  # options not yet proposed, left out and named in the banner
    "/options/article-5-extension?at=2022-06-01",
    "/compare?o=article-5-extension,nato-membership,reassurance-force&w=feasibility:5",
    "/compare?o=article-5-extension,nato-membership,reassurance-force,un-peacekeeping,"
    "eu-membership,steel-porcupine",
    "/compare",
    "/compare?o=nato-membership&w=feasibility:5&assume=hu:0",
    "/c/{code}",
    "/embed/c/{code}",
    "/report?page=/matrix&cell=Hungary",
    "/report/sent?page=/matrix",
    "/options/neutrality-with-guarantors",
    "/options/nato-membership",
]
PERMALINK = {"o": "nato-membership,bilateral-agreements,neutrality-with-guarantors", "w": ""}


def pages(server: str) -> list[str]:
    """PAGES with a real permanent link made on this server."""
    r = httpx.post(server + "/c", data={**PERMALINK, "assume": ""}, follow_redirects=False)
    code = permalink_code(r.headers["location"])
    return [p.replace("{code}", code) for p in PAGES]


def test_axe_reports_no_violations(server: str, browser: Browser) -> None:
    assert AXE.exists(), "run `make node` to install axe-core"
    # axe is injected as a script, which the site's CSP rightly forbids; bypass it for the audit.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    found: dict[str, list[str]] = {}
    for path in pages(server):
        page.goto(server + path)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document)")
        violations = [
            f"{v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['target']})"
            for v in result["violations"]
        ]
        if violations:
            found[path] = violations
    context.close()
    assert found == {}


def test_nu_html_checker_reports_no_errors(server: str, tmp_path: Path) -> None:
    java = shutil.which("java")
    if java is None:
        pytest.fail("Java is needed for the Nu Html Checker (Debian package default-jre-headless)")
    files = []
    paths = pages(server)
    for i, path in enumerate(paths):
        f = tmp_path / f"page{i}.html"
        f.write_text(httpx.get(server + path).text)
        files.append(str(f))
    assert nu_errors(java, files, paths) == []


def nu_errors(java: str, files: list[str], names: list[str]) -> list[str]:
    """The Nu Html Checker's errors in `files`, each prefixed with the name of its page."""
    proc = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=180,
    )
    messages = json.loads(proc.stderr or '{"messages": []}')["messages"]
    return [
        f"{names[files.index(m['url'].removeprefix('file:'))]}: {m['message']}"
        for m in messages
        if m.get("type") == "error"
    ]


# Words that break across lines inside labels and table cells (hyphens and slashes may break).
BROKEN_WORDS = """(selector) => {
  const bad = [];
  for (const el of document.querySelectorAll(selector)) {
    if (!el.getClientRects().length) continue;
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest(".visually-hidden, svg, [aria-hidden=true]")) continue;
      for (const m of node.data.matchAll(/[^\\s\\-\\/\u2013\u2014]+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].filter(r => r.width > 0)
          .map(r => Math.round(r.top)));
        if (tops.size > 1) bad.push(`"${m[0]}" in <${el.tagName.toLowerCase()}>`);
      }
    }
  }
  return [...new Set(bad)];
}"""
# Table cells narrower than their content (their longest word).
NARROW_CELLS = """() => [...document.querySelectorAll("th, td")]
  .filter(c => c.getClientRects().length && c.scrollWidth > c.clientWidth + 1)
  .map(c => `<${c.tagName.toLowerCase()}> ${c.textContent.trim().slice(0, 40)}`)"""
# Anything that scrolls sideways must be a labelled, focusable region holding a table whose
# first column stays put.
SCROLLERS = """() => {
  const bad = [];
  for (const el of document.querySelectorAll("body *")) {
    const x = getComputedStyle(el).overflowX;
    if (!["auto", "scroll"].includes(x) || el.scrollWidth <= el.clientWidth + 1) continue;
    const name = `<${el.tagName.toLowerCase()} class="${el.className}">`;
    const table = el.querySelector("table");
    const labelled = el.getAttribute("aria-label") || el.getAttribute("aria-labelledby");
    if (el.getAttribute("role") !== "region" || !labelled || el.tabIndex !== 0 || !table) {
      bad.push("unlabelled scroller " + name);
      continue;
    }
    const first = [...table.querySelectorAll("tbody tr > :first-child")]
      .find(c => c.colSpan === 1);
    if (first && getComputedStyle(first).position !== "sticky") bad.push("not sticky: " + name);
  }
  return bad;
}"""
LABELS = "th, td, label, legend, summary, button, dt, h1, h2, h3, .tag, .veto, nav a, .pill"


def shot_name(path: str) -> str:
    """A readable file name for a page's screenshot: /compare?o=a,b -> compare--o-a-b."""
    page, _, query = path.partition("?")
    name = re.sub(r"[^A-Za-z0-9]+", "-", page).strip("-") or "explore"
    if query:
        name += "--" + re.sub(r"[^A-Za-z0-9]+", "-", query).strip("-")[:60]
    return name


def test_every_page_works_on_a_phone_and_a_desktop(server: str, browser: Browser) -> None:
    """At 375 px nothing scrolls sideways but a table in its own labelled region with a sticky
    first column, and no label or cell breaks inside a word. Screenshots of every page at
    375 and 1440 px land in test-artifacts/ for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    problems: dict[str, list[str]] = {}
    for width in (375, 1440):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        for path in pages(server):
            page.goto(server + path)
            page.screenshot(path=str(ARTIFACTS / f"{shot_name(path)}-{width}.png"), full_page=True)
            if width != 375:
                continue
            found = []
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                found.append(f"page scrolls sideways by {overflow}px")
            found += page.evaluate(SCROLLERS)
            found += page.evaluate(NARROW_CELLS)
            found += page.evaluate(BROKEN_WORDS, LABELS)
            if found:
                problems[path] = found
        context.close()
    assert problems == {}


def test_print_stylesheet_hides_controls(server: str, browser: Browser) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(server + "/")
    page.emulate_media(media="print")
    assert not page.locator("#filters").is_visible()
    assert page.locator("#results .card").first.is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.pdf(path=str(ARTIFACTS / "explore-print.pdf"))
    context.close()
