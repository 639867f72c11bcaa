"""The compare page's ranking block is rendered once per comparison and shape, with tokens where
the weights' values go, and filled in per weighting (app.pages.ranking_stamp). A reader must
never see a value left from an earlier weighting: page after page and fragment after fragment,
the filled block is byte for byte what rendering the template for that weighting gives."""

import itertools
import random

import pytest
from fastapi.testclient import TestClient
from jinja2_fragments import render_block
from markupsafe import Markup

from app.pages.compare import ComparePage
from app.serving import render as rendering
from app.serving.site import Site
from app.state import CompareState
from app.web import compare as route
from tests.profile_compare import CRITERIA

HX = {"HX-Request": "true"}
UKRAINE = [
    "article-5-extension,nato-membership,reassurance-force",
    "nato-membership,eu-membership",
    "article-5-extension,bilateral-agreements,nato-membership,reassurance-force,"
    "un-peacekeeping,steel-porcupine",
]


def rendered_directly(
    request: object,
    site: Site,
    state: CompareState,
    page: ComparePage,
    carried: dict[str, Markup],
    fragment: bool,
) -> Markup:
    """The block as the template renders it for this very weighting, with no stamp."""
    env = rendering._env(request)  # type: ignore[arg-type]
    ctx = rendering._context(request, {"meta": site.meta, "page": page, **carried}, fragment)  # type: ignore[arg-type]
    return Markup(render_block(env, "compare.html", "ranking", ctx))


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
    stamped = answers(ukraine, urls)
    monkeypatch.setattr(route, "ranking_block", rendered_directly)
    direct = answers(ukraine, urls)
    assert len(ukraine.app.state.stamps) > 1  # type: ignore[attr-defined]
    for (what, mine), (_, theirs) in zip(stamped, direct, strict=True):
        assert mine == theirs, what
