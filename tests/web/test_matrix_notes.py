"""A caniuse-grade matrix (issue 19, point 4): each cell links to its stance and gives its date,
veto holders are marked, a veto-status row heads each option, and nothing scrolls in a box."""

import re

from fastapi.testclient import TestClient


def cell(html: str, who: str, option: str) -> str:
    row = html.split(f'<a href="/stakeholders/{who}">')[1].split("</tr>")[0]
    m = re.search(rf'<td [^>]*><a href="/options/{option}#stance-{who}">.*?</td>', row, re.S)
    assert m, f"no link to {who}'s stance on {option}"
    return m.group(0)


def test_a_cell_links_to_its_stance_with_its_date_and_marks_a_veto(ukraine: TestClient) -> None:
    html = ukraine.get("/matrix").text
    hu = cell(html, "hu", "bilateral-agreements")
    assert re.search(r'<time class="cell-date" datetime="\d{4}(-\d\d){0,2}">', hu)
    assert "holds-veto" in hu and ">veto</span>" in hu
    # The link lands on a row of the option page.
    option = ukraine.get("/options/bilateral-agreements").text
    assert 'id="stance-hu"' in option
    # Someone without a veto on an option is not marked.
    us_eu = cell(html, "us", "eu-membership")
    assert "holds-veto" not in us_eu


def test_every_option_has_a_veto_status_row(ukraine: TestClient) -> None:
    html = ukraine.get("/matrix").text
    row = html.split('<tr class="veto-row"><th scope="row">Veto status</th>')[1].split("</tr>")[0]
    options = ukraine.get("/api/v1/options").json()["options"]
    assert row.count('<span class="veto veto-') == len(options) == 11
    assert 'class="veto veto-blocked"' in row


def test_the_matrix_is_not_a_box_that_scrolls_inside_the_page(ukraine: TestClient) -> None:
    css = ukraine.get("/static/site.css").text
    rules = re.findall(r"\.matrix-wrap \{([^}]*)\}", css)
    assert rules and not any("max-height" in r and "none" not in r for r in rules)
