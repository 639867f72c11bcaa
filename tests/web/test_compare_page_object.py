"""The compare page, its picker, a permanent link and its embed each get one page object from
their route (app.pages.compare, app.pages.permalink): their templates read the comparison, its
controls and its links from `page`, beside the frame every page has, never from loose keys."""

from pathlib import Path

import pytest
from jinja2 import meta

from app.serving.render import environment

TEMPLATES = Path(__file__).parents[2] / "templates"
# What a route passes besides `page`: the frame of every page, and the weight-free parts that
# are rendered once per comparison (app.web.frame.comparison_parts), and the ranking block
# filled in from its stamp (app.pages.ranking_stamp).
FRAME = {"meta", "page_title", "exports", "dates", "og", "og_image", "fragment", "oob"}
PARTS = {
    "comparison_rows",
    "comparison_sources",
    "comparison_bars",
    "ranking",
    "share_bar",
    "column_controls",
    "exports_line",
    "date_foot",
}
PAGES = [
    "compare.html",
    "compare_picker.html",
    "permalink.html",
    "embed.html",
    "_comparison.html",
    "_comparison_ranking.html",
    "_comparison_table.html",
    "_column_controls.html",
    "_compare_share.html",
    "_compare_exports.html",
    "_compare_carried.html",
    "_compare_add.html",
    "_date_foot.html",
    "_ranking_table.html",
    "_rank_chances.html",
]


@pytest.mark.parametrize("name", PAGES)
def test_a_comparison_template_reads_one_page_object(name: str) -> None:
    env = environment(str(TEMPLATES))
    names = meta.find_undeclared_variables(env.parse((TEMPLATES / name).read_text("utf-8")))
    loose = names - FRAME - PARTS - {"page", "downloads", "o"} - set(env.globals)
    assert not loose, f"{name} reads {sorted(loose)} beside `page`"


def test_no_comparison_template_joins_a_path() -> None:
    # Links come from the page module or app.dataset.urls, not from text around a variable.
    for name in PAGES:
        text = (TEMPLATES / name).read_text("utf-8")
        for path in ("/c/{{", "/embed/c/{{", "/compare?{{", "/sources/{{", "/options/{{"):
            assert path not in text, f"{name} joins {path}"
