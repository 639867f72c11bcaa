"""Charts inlined in an HTML page, as pages will use them: the Nu Html Checker finds no
error. (axe-core runs on the same page in tests/browser/test_charts_browser.py, beside the
session's Chromium.)"""

import html
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from app.charts.svg import Chart
from tests.browser.test_quality import VNU
from tests.charts.samples import all_charts


def html_page(charts: list[Chart]) -> str:
    """A minimal page: each chart in a figure, followed by its tables."""
    parts = []
    for c in charts:
        tables = "".join(
            "<table><caption>{}</caption><tr>{}</tr>{}</table>".format(
                html.escape(t.caption),
                "".join(f'<th scope="col">{html.escape(x)}</th>' for x in t.columns),
                "".join(
                    "<tr>" + "".join(f"<td>{html.escape(x)}</td>" for x in row) + "</tr>"
                    for row in t.rows
                ),
            )
            for t in c.tables
        )
        parts.append(f"<figure>{c.svg}<figcaption>{html.escape(c.title)}</figcaption></figure>")
        parts.append(tables)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Charts</title>'
        '<meta name="viewport" content="width=device-width">'
        f"</head><body><main><h1>Charts</h1>{''.join(parts)}</main></body></html>"
    )


# Starts the Nu checker (Java): `make test` runs it.
@pytest.mark.slow
def test_nu_html_checker_accepts_inlined_charts(tmp_path: Path) -> None:
    java = shutil.which("java")
    if java is None:
        pytest.fail("Java is needed for the Nu Html Checker (Debian package default-jre-headless)")
    f = tmp_path / "charts.html"
    f.write_text(html_page(all_charts()))
    proc = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", str(f)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    messages = json.loads(proc.stderr or '{"messages": []}')["messages"]
    assert [m["message"] for m in messages if m.get("type") == "error"] == []
