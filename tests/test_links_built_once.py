"""Paths are spelled once (app/dataset/urls.py) and queries come from typed states: no template
joins a path with a value, and the pure analysis writes no path by hand. A path joined by hand
drifted from the builder before (the option page's "what if" links dropped earlier hypotheses
and `at=`)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# A path with a template value in it: href="/proposals/{{ p.id }}", action="/x/{{ ... }}/y".
JOINED = re.compile(r"""(?:href|action|formaction|src)="/[^"{]*\{\{""")


def test_no_template_joins_a_path_with_a_value() -> None:
    joined = {
        f"{p.name}:{n}": line.strip()[:120]
        for p in sorted((ROOT / "templates").glob("*.html"))
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if JOINED.search(line)
    }
    assert joined == {}


def test_the_analysis_writes_no_path_by_hand() -> None:
    written = {
        f"{p.relative_to(ROOT)}:{n}": line.strip()
        for p in sorted((ROOT / "app" / "analysis").rglob("*.py"))
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if re.search(r"""f?["']/(options|stakeholders|sources|c|compare|proposals)\b""", line)
    }
    assert written == {}
