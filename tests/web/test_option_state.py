"""The option page has its own typed state (hypotheses and the day): one canonical URL per
state, a 400 for another page's parameters, and links built from the state."""

import pytest
from fastapi.testclient import TestClient

from tests.web.test_decision_model import what_if_links

PAGE = "/options/nato-membership"


@pytest.mark.parametrize(
    ("query", "canonical"),
    [
        ("at=2025-03-01&assume=hu:0", "assume=hu:0&at=2025-03-01"),
        ("assume=hu:0,de:0", "assume=de:0,hu:0"),
        ("assume=", ""),
    ],
)
def test_option_page_redirects_a_query_to_its_canonical_form(
    ukraine: TestClient, query: str, canonical: str
) -> None:
    r = ukraine.get(f"{PAGE}?{query}", follow_redirects=False)
    assert r.status_code == 302
    assert r.headers["location"] == PAGE + (f"?{canonical}" if canonical else "")
    assert ukraine.get(r.headers["location"], follow_redirects=False).status_code == 200


@pytest.mark.parametrize("param", ["sort=title", "o=nato-membership", "x=deterrence", "q=nato"])
def test_option_page_refuses_the_explore_pages_parameters(ukraine: TestClient, param: str) -> None:
    r = ukraine.get(f"{PAGE}?{param}")
    assert r.status_code == 400
    assert f"{param.split('=')[0]}: is not a parameter of this page" in r.text


def test_what_if_links_add_to_earlier_hypotheses_and_keep_the_day(ukraine: TestClient) -> None:
    # The review's URL: its "what if" links once dropped `hu:0` and `at=`.
    links = what_if_links(ukraine.get(f"{PAGE}?assume=hu:0&at=2025-03-01").text)
    assert links["What if Germany stopped opposing?"] == f"{PAGE}?assume=de:0,hu:0&at=2025-03-01"
    for href in links.values():
        assert "hu:0" in href and href.endswith("&at=2025-03-01"), href
