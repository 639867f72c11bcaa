"""The compare page and its ranking block are rendered once per comparison and shape, with tokens
where the weights' values go, and filled in per weighting (app.pages.ranking_stamp,
app.web.compare.whole_page). A reader must never see a value left from an earlier weighting:
page after page and fragment after fragment, the filled page or block is byte for byte what
rendering the templates for that weighting gives."""

import itertools
import random

import pytest
from fastapi.testclient import TestClient
from jinja2_fragments import render_block
from markupsafe import Markup

from app.pages.compare import PATH, ComparePage
from app.serving import render as rendering
from app.serving.site import Site
from app.state import CompareState
from app.web import compare as route
from app.web.frame import dated
from tests.profile_compare import CRITERIA

HX = {"HX-Request": "true"}
UKRAINE = [
    "article-5-extension,nato-membership,reassurance-force",
    "nato-membership,eu-membership",
    "article-5-extension,bilateral-agreements,nato-membership,reassurance-force,"
    "un-peacekeeping,steel-porcupine",
]


def rendered_directly(
    request: object, site: Site, state: CompareState, page: ComparePage, fragment: bool
) -> Markup:
    """The block as the template renders it for this very weighting, with no stamp."""
    env = rendering._env(request)  # type: ignore[arg-type]
    context = {
        "meta": site.meta,
        "page": page,
        "exports": page.exports,
        "dates": dated(site, PATH, state),
    }
    ctx = rendering._context(request, context, fragment)  # type: ignore[arg-type]
    return Markup(render_block(env, "compare.html", "ranking", ctx))


def page_directly(request: object, site: Site, state: CompareState, page: ComparePage) -> Markup:
    """The whole page as the templates render it for this very weighting: no stamp for the
    page, its ranking block or the controls that carry the weights."""
    env = rendering._env(request)  # type: ignore[arg-type]
    base = {"meta": site.meta, "page": page, "exports": page.exports}
    base["dates"] = dated(site, PATH, state)

    def carrier(template: str, o: object = None) -> Markup:
        ctx = rendering._context(request, {**base, "o": o}, False)  # type: ignore[arg-type]
        return Markup(env.get_template(template).render(ctx))

    context = {
        **base,
        "share_bar": carrier("_compare_share.html"),
        "column_controls": {o.slug: carrier("_column_controls.html", o) for o in page.snap.options},
        "exports_line": carrier("_compare_exports.html"),
        "date_foot": carrier("_date_foot.html"),
        **route.comparison_parts(
            request,  # type: ignore[arg-type]
            page.snap,
            route._fixed_key(site, state),
            page.chart_urls["scores"],
        ),
        "og": page.og,
        "og_image": page.og_image,
        "page_title": page.og["title"],
    }
    ctx = rendering._context(request, context, False)  # type: ignore[arg-type]
    return Markup(env.get_template("compare.html").render(ctx))


def weightings(n: int) -> list[str]:
    rng = random.Random(21)
    out = ["", ",".join(f"{c}:0" for c in CRITERIA), "deterrence:5", "deterrence:0,speed:0"]
    while len(out) < n:
        out.append(",".join(f"{c}:{rng.randrange(6)}" for c in CRITERIA if rng.random() < 0.7))
    return out


def answers(client: TestClient, urls: list[str]) -> list[tuple[str, str]]:
    client.app.state.page_cache.entries.clear()  # type: ignore[attr-defined]
    out = []
    for url, headers in itertools.product(urls, ({}, HX)):
        r = client.get(url, headers=headers)
        assert r.status_code == 200, url
        out.append((f"{url} {headers}", r.text))
    return out


@pytest.mark.slow
def test_a_filled_ranking_is_what_the_template_renders(
    ukraine: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    urls = []
    for o, w in itertools.product(UKRAINE, weightings(40)):
        r = ukraine.get(f"/compare?o={o}&w={w}" if w else f"/compare?o={o}")
        urls.append(str(r.url).removeprefix("http://testserver"))  # the canonical address
    urls += [f"/compare?o={UKRAINE[0]}&assume=hu:0,us:0", f"/compare?o={UKRAINE[1]}&assume=hu:0"]
    for w in ("", "&w=deterrence:5,speed:0"):  # a past day: the frame's link back to today
        r = ukraine.get(f"/compare?o={UKRAINE[1]}{w}&at=2025-09-01")
        assert r.status_code == 200 and "Back to today" in r.text
        urls.append(str(r.url).removeprefix("http://testserver"))
    stamped = answers(ukraine, urls)
    monkeypatch.setattr(route, "ranking_block", rendered_directly)
    monkeypatch.setattr(route, "whole_page", page_directly)
    direct = answers(ukraine, urls)
    kept = ukraine.app.state.stamps._items  # type: ignore[attr-defined]
    # Stamps of whole pages and of ranking blocks, of several shapes each.
    for block in (None, "ranking"):
        assert len([k for t, b, k in kept if (t, b) == ("compare.html", block)]) > 1
    for (what, mine), (_, theirs) in zip(stamped, direct, strict=True):
        assert mine == theirs, what
