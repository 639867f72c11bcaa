"""A source page lists a joint statement once, with its signatories folded, instead of one
near-identical line per signatory; its JSON twin keeps every claim and names the statements."""

import re

from bs4 import Tag
from fastapi.testclient import TestClient

from tests.helpers import attr, containing, links, parse, position, select, text


def joint_lines(html: str) -> list[Tag]:
    return select(html, 'li[class="joint"]')


def dated(line: Tag, datetime: str, shown: str) -> bool:
    """The line has a <time> of this datetime that reads `shown`."""
    return any(text(t) == shown for t in select(line, f'time[datetime="{datetime}"]'))


def test_the_vilnius_communique_is_one_line_with_31_signatories(ukraine: TestClient) -> None:
    html = ukraine.get("/sources/nato-vilnius-2023").text
    (line,) = joint_lines(html)
    assert ("Full NATO membership", "/options/nato-membership") in links(line)
    assert "Supports" in text(line) and dated(line, "2023-07-11", "11 July 2023")
    assert "via the Vilnius Summit Communiqué" in text(line) and "Ukraine paragraph" in text(line)
    summary = select(line, "summary")[0]
    assert summary.decode_contents() == "31 signatories: Albania, Belgium, Bulgaria and 28 more"
    signatories = [
        (attr(a, "href").removeprefix("/stakeholders/"), a.decode_contents())
        for a in select(line, 'li:not([class]) > a:only-child[href^="/stakeholders/"]')
    ]
    assert len(signatories) == 31 and signatories[0] == ("al", "Albania")
    assert [n for _, n in signatories] == sorted(n for _, n in signatories)
    # No line per signatory any more.
    assert "Albania on Full NATO membership" not in html
    assert (
        "31 claims cite this source, among them the stances of the 31 signatories of "
        "1 joint statement, each statement shown once below." in html
    )
    # The JSON twin keeps one claim per signatory and names the statement once.
    data = ukraine.get("/api/v1/sources/nato-vilnius-2023").json()
    assert len(data["claims"]) == data["cited_by"] == 31
    (statement,) = data["joint_statements"]
    assert statement["via"] == "the Vilnius Summit Communiqué"
    assert statement["option"] == "nato-membership" and statement["position"] == 1
    assert sorted(statement["signatories"]) == sorted(s for s, _ in signatories)
    assert len(ukraine.get("/api/v1/sources/nato-vilnius-2023.csv").text.splitlines()) == 32


def test_joint_statements_sit_among_the_other_claims(flood: TestClient) -> None:
    html = flood.get("/sources/compact").text
    doc = parse(html)
    lines = joint_lines(html)
    assert len(lines) == 3
    assert all("(joint statement)" in text(line) for line in lines)
    sea_wall, levy, river = lines
    assert "via the Harbour Compact" in text(sea_wall) and dated(sea_wall, "2023", "2023")
    assert "4 signatories: Conservative group, Green group, Independents and 1 more" in text(
        sea_wall
    )
    # Two signatories are named on the line itself, without a fold.
    assert not select(levy, "details")
    assert "2 signatories: North district, South district" in text(levy)
    named = [("North district", "/stakeholders/north"), ("South district", "/stakeholders/south")]
    assert [link for link in links(levy) if link in named] == named
    assert "via the 2022 council motion" in text(river)
    # A stance of one stakeholder and the assessments keep their own lines, in order.
    board = containing(doc, "Harbour board on Harbour levy")
    assert (text(board), attr(board, "href")) == (
        "Harbour board on Harbour levy (2023)",
        "/stakeholders/harbour-board",
    )
    sea = containing(doc, "Raise the sea wall: Flood protection score")
    assert position(sea) < position(sea_wall)
    assert position(levy) < position(board) < position(river)
    data = flood.get("/api/v1/sources/compact").json()
    assert len(data["claims"]) == 18
    assert [len(j["signatories"]) for j in data["joint_statements"]] == [4, 2, 4]
    assert "18 claims cite this source, among them the stances of the 10 signatories" in html


def test_a_source_without_joint_statements_reads_as_before(client: TestClient) -> None:
    html = client.get("/sources/local-paper").text
    assert 'class="joint"' not in html
    assert any(re.search(r"\d+ claims? cite this source\.$", text(p)) for p in select(html, "p"))
    assert client.get("/api/v1/sources/local-paper").json()["joint_statements"] == []


def test_one_claim_reads_in_the_singular(ukraine: TestClient) -> None:
    html = ukraine.get("/sources/nato-hague-2025").text
    assert "1 claim cites this source." in html
