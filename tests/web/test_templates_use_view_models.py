"""Templates render view models (app/views/) and never reach into the site index: what a page
shows is resolved once, in Python, where it is typed and tested."""

from pathlib import Path

import pytest
from jinja2 import meta

from app.serving.render import environment

TEMPLATES = Path(__file__).parents[2] / "templates"
FILES = sorted(p for p in TEMPLATES.iterdir() if p.is_file())


def test_there_are_templates_to_check() -> None:
    assert {"base.html", "option.html", "changes.atom"} <= {p.name for p in FILES}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_template_reads_the_site_index(path: Path) -> None:
    assert "site.index" not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_template_uses_a_site_variable(path: Path) -> None:
    # Parsed, not grepped: "/static/site.css" and "site-header" are text, not a variable.
    env = environment(str(TEMPLATES))  # its filters, which parsing checks
    names = meta.find_undeclared_variables(env.parse(path.read_text(encoding="utf-8")))
    assert "site" not in names
