"""A glossary on /methodology, linked at first use (#19.10). Jargon (TEU, unanimity,
sensitivity, rank chances, routes, blockers) was explained only in /methodology's prose, and
no page linked to it where the word appeared."""

import re

import pytest
from fastapi.testclient import TestClient

from app.analysis.glossary import GLOSSARY
from tests.helpers import attr, first, one, select, text

PAGES = [
    "/",
    "/options/eu-membership",
    "/options/nato-membership",
    "/matrix",
    "/compare?o=nato-membership,eu-membership,bilateral-agreements",
]
LINK = re.compile(r"/methodology#glossary-([a-z0-9-]+)")


def glossary_links(html: str) -> list[str]:
    """The glossary entries the page links to."""
    hrefs = [attr(e, "href") for e in select(html, '[href^="/methodology#glossary-"]')]
    return [m[1] for h in hrefs if (m := LINK.fullmatch(h))]


def test_methodology_has_a_glossary_of_the_terms_pages_use(ukraine: TestClient) -> None:
    with ukraine as c:
        html = c.get("/methodology").text
        linked = {slug for page in PAGES for slug in glossary_links(c.get(page).text)}
    assert '<h2 id="glossary-heading">Glossary</h2>' in html
    assert '<a href="#glossary">Glossary</a>' in html
    for t in GLOSSARY.values():
        assert f'<dt id="glossary-{t.slug}">' in html, t.slug
    # Every first use a page links lands on an entry.
    assert linked and linked <= set(GLOSSARY), linked - set(GLOSSARY)
    # Abbreviations are spelled out, definitions are there in words.
    assert '<abbr title="Treaty on European Union">TEU</abbr> (Treaty on European Union)' in html
    assert '<abbr title="North Atlantic Council">NAC</abbr>' in html
    assert "so each member holds a veto" in html


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_pages_link_a_terms_first_use_to_the_glossary(ukraine: TestClient) -> None:
    with ukraine as c:
        eu = c.get("/options/eu-membership").text
        nato = c.get("/options/nato-membership").text
        routes = c.get("/options/article-5-extension").text
        home = c.get("/").text
        compare = c.get(PAGES[-1]).text
        matrix = c.get("/matrix").text
    # The option's title spells out TEU.
    h1 = first(eu, "h1")
    assert text(one(h1, 'abbr[title="Treaty on European Union"]')) == "TEU"
    assert 'href="/methodology#glossary">Glossary' in home
    # A step's voting rule links to what the rule means.
    assert '<a class="term" href="/methodology#glossary-unanimity">unanimity</a>' in nato
    assert 'href="/methodology#glossary-route">routes</a>, any one of which suffices' in routes
    assert 'href="/methodology#glossary-silent">silent veto holders</a>' in nato
    # The comparison's jargon: sensitivity, weighted score, the chance of each rank.
    for slug, words in (
        ("sensitivity", "Sensitivity"),
        ("weighted-score", "Weighted score"),
        ("rank-chances", "Chance of each rank"),
    ):
        assert f'href="/methodology#glossary-{slug}">{words}</a>' in compare
    assert 'href="/methodology#glossary-veto-holder">' in matrix
