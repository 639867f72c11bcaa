"""A source page lists a joint statement once, with its signatories folded, instead of one
near-identical line per signatory; its JSON twin keeps every claim and names the statements."""

import re

from fastapi.testclient import TestClient


def joint_lines(html: str) -> list[str]:
    return re.findall(r'<li class="joint">(.*?)</li>\n', html, flags=re.S)


def test_the_vilnius_communique_is_one_line_with_31_signatories(ukraine: TestClient) -> None:
    html = ukraine.get("/sources/nato-vilnius-2023").text
    (line,) = joint_lines(html)
    assert 'href="/options/nato-membership">Full NATO membership</a>' in line
    assert "Supports" in line and '<time datetime="2023-07-11">11 July 2023</time>' in line
    assert "via the Vilnius Summit Communiqué" in line and "Ukraine paragraph" in line
    summary = re.search(r"<summary[^>]*>(.*?)</summary>", line)
    assert summary is not None
    assert summary.group(1) == "31 signatories: Albania, Belgium, Bulgaria and 28 more"
    signatories = re.findall(r'<li><a href="/stakeholders/([a-z-]+)">([^<]+)</a></li>', line)
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
    lines = joint_lines(html)
    assert len(lines) == 3
    assert all("(joint statement)" in line for line in lines)
    sea_wall, levy, river = lines
    assert "via the Harbour Compact" in sea_wall and '<time datetime="2023">2023</time>' in sea_wall
    assert "4 signatories: Conservative group, Green group, Independents and 1 more" in sea_wall
    # Two signatories are named on the line itself, without a fold.
    assert "<details" not in levy
    assert (
        '2 signatories: <a href="/stakeholders/north">North district</a>, '
        '<a href="/stakeholders/south">South district</a>'
    ) in levy
    assert "via the 2022 council motion" in river
    # A stance of one stakeholder and the assessments keep their own lines, in order.
    assert '<a href="/stakeholders/harbour-board">Harbour board on Harbour levy (2023)</a>' in html
    assert html.index("Raise the sea wall: Flood protection score") < html.index(sea_wall)
    assert html.index(levy) < html.index("Harbour board on Harbour levy") < html.index(river)
    data = flood.get("/api/v1/sources/compact").json()
    assert len(data["claims"]) == 18
    assert [len(j["signatories"]) for j in data["joint_statements"]] == [4, 2, 4]
    assert "18 claims cite this source, among them the stances of the 10 signatories" in html


def test_a_source_without_joint_statements_reads_as_before(client: TestClient) -> None:
    html = client.get("/sources/local-paper").text
    assert 'class="joint"' not in html
    assert re.search(r"\d+ claims? cite this source\.</p>", html)
    assert client.get("/api/v1/sources/local-paper").json()["joint_statements"] == []


def test_one_claim_reads_in_the_singular(ukraine: TestClient) -> None:
    html = ukraine.get("/sources/nato-hague-2025").text
    assert "1 claim cites this source." in html
