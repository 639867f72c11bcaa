"""A caniuse-grade matrix (issue 19, point 4): each cell links to its stance and gives its date,
veto holders are marked, a veto-status row heads each option, and nothing scrolls in a box."""

import re

from bs4 import Tag
from fastapi.testclient import TestClient

from tests.helpers import attr, attrs, first, one, select, text


def cell(html: str, who: str, option: str) -> Tag:
    row = first(html, f'a[href="/stakeholders/{who}"]').find_parent("tr")
    assert row is not None
    found = [
        a.parent
        for a in select(row, f'td > a[href="/options/{option}#stance-{who}"]')
        if a.parent and a.parent.attrs and a.parent.contents[0] is a
    ]
    assert found, f"no link to {who}'s stance on {option}"
    return found[0]


def holds_veto(td: Tag) -> bool:
    return "holds-veto" in attrs(td).get("class", "") or bool(select(td, ".holds-veto"))


def test_a_cell_links_to_its_stance_with_its_date_and_marks_a_veto(ukraine: TestClient) -> None:
    html = ukraine.get("/matrix").text
    hu = cell(html, "hu", "bilateral-agreements")
    dates = [attr(t, "datetime") for t in select(hu, 'time[class="cell-date"]')]
    assert any(re.fullmatch(r"\d{4}(-\d\d){0,2}", d) for d in dates)
    assert holds_veto(hu) and "veto" in [s.decode_contents() for s in select(hu, "span")]
    # The link lands on a row of the option page.
    option = ukraine.get("/options/bilateral-agreements").text
    assert 'id="stance-hu"' in option
    # Someone without a veto on an option is not marked.
    us_eu = cell(html, "us", "eu-membership")
    assert not holds_veto(us_eu) and "holds-veto" not in str(us_eu)


def test_every_option_has_a_veto_status_row(ukraine: TestClient) -> None:
    html = ukraine.get("/matrix").text
    row = one(html, 'tr[class="veto-row"]')
    head = one(row, ':scope > th[scope="row"]')
    assert text(head) == "Veto status" and row.contents[0] is head
    options = ukraine.get("/api/v1/options").json()["options"]
    assert len(select(row, 'span[class^="veto veto-"]')) == len(options) == 11
    assert select(row, '[class="veto veto-blocked"]')


def test_the_matrix_is_not_a_box_that_scrolls_inside_the_page(ukraine: TestClient) -> None:
    css = ukraine.get("/static/site.css").text
    rules = re.findall(r"\.matrix-wrap \{([^}]*)\}", css)
    assert rules and not any("max-height" in r and "none" not in r for r in rules)
