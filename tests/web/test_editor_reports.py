"""Readers' error reports in the editors' hands (#22.6): they wait in the review queue beside
the proposals, an editor turns one into a proposal that the report links to, publishing it
resolves the report, a reviewer may resolve one that needs no change, and every status change
is in the audit trail. Also: "Propose a change" from a stakeholder's and a source's page."""

from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.ops.cli import main
from app.store import models as m
from app.store import queries
from tests.helpers import add_user, audit_actions, count, revisions, select, sign_in
from tests.web.test_editor_forms import STANCE as FORM_STANCE

REPORT = "The mayor backs the protected lanes since June; the page still says she opposes them."
OFFERED = "https://example.org/riverton/mayor-backs-lanes"
# The stance form's values, with the source the reader offered (and so no source_url here).
STANCE = {
    **{k: v for k, v in FORM_STANCE.items() if k not in ("source_url", "locator")},
    "note": "Correction from reader's report 1: the mayor changed her position.",
}


def reader_reports(client: TestClient, page: str = "/options/protected-lanes") -> None:
    """A reader sends the "Report an error" form, as any reader would."""
    r = client.post(
        "/report",
        data={"page": page, "cell": "Mayor", "text": REPORT, "source_url": OFFERED},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text


@pytest.fixture
def team(client: TestClient, engine: Engine) -> None:
    for name, role in (("eve", "editor"), ("rita", "reviewer"), ("ada", "admin")):
        add_user(engine, name, role)


def report_row(engine: Engine, report_id: int = 1) -> m.Correction:
    with Session(engine) as s:
        row = queries.correction(s, id=report_id)
        assert row is not None
        return row


def propose_from_report(client: TestClient, csrf: str, **extra: Any) -> Any:
    return client.post(
        "/options/protected-lanes/propose",
        data={**STANCE, "report": "1", "submit": "1", "csrf": csrf, **extra},
        follow_redirects=False,
    )


def proposed_then_reviewer(client: TestClient) -> str:
    """A reader reports, eve proposes from the report, then rita signs in: her CSRF token."""
    reader_reports(client)
    csrf = sign_in(client, "eve")
    assert propose_from_report(client, csrf, source_url=OFFERED).status_code == 303
    client.cookies.clear()
    return sign_in(client, "rita")


def test_open_reports_wait_in_the_queue_for_editors_and_reviewers(
    client: TestClient, team: None
) -> None:
    reader_reports(client)
    sign_in(client, "eve")
    queue = client.get("/review").text
    assert "Reports from readers (1)" in queue and REPORT in queue
    assert 'href="/options/protected-lanes"' in queue and OFFERED in queue
    assert "Turn into a proposal" in queue
    assert "Resolve: no change needed" not in queue  # only reviewers resolve
    client.cookies.clear()
    sign_in(client, "rita")
    queue = client.get("/review").text
    assert REPORT in queue and "Resolve: no change needed" in queue


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_an_editor_turns_a_report_into_a_proposal_that_it_links_to(
    client: TestClient, team: None, engine: Engine
) -> None:
    reader_reports(client)
    csrf = sign_in(client, "eve")
    # The queue's button: the option is preselected from the reported page.
    r = client.get("/propose", params={"report": "1", "option": "protected-lanes"})
    assert r.url.path == "/options/protected-lanes/propose" and r.url.params["report"] == "1"
    form = r.text
    assert REPORT in form and '<input type="hidden" name="report" value="1">' in form
    assert f'value="{OFFERED}"' in form  # the source the reader offered, prefilled
    assert "Correction from reader&#39;s report 1" in form
    # A preview keeps the report beside the form and stores nothing.
    r = client.post(
        "/options/protected-lanes/propose",
        data={**STANCE, "report": "1", "source_url": OFFERED, "preview": "1", "csrf": csrf},
    )
    assert r.status_code == 200 and REPORT in r.text and count(engine, m.Proposal) == 0

    r = propose_from_report(client, csrf, source_url=OFFERED)
    assert r.status_code == 303 and r.headers["location"] == "/proposals/1"
    assert report_row(engine).proposal_id == 1 and report_row(engine).status == "open"
    assert ("eve", "report-proposed") in audit_actions(engine)
    queue = client.get("/review").text
    made = [
        a
        for a in select(queue, 'dt + dd > a[href="/proposals/1"]')
        if a.parent is not None
        and a is a.parent.contents[0]
        and a.parent.previous_sibling is not None
        and a.parent.previous_sibling.get_text().endswith("Proposal made of it")
    ]
    assert made

    # While that proposal waits, the report cannot be turned into a second one.
    r = propose_from_report(client, csrf, source_url=OFFERED, date="2024-06-21")
    assert r.status_code == 409 and "already has proposal 1" in r.text
    assert count(engine, m.Proposal) == 1


def test_publishing_the_proposal_resolves_the_report(
    client: TestClient, team: None, engine: Engine
) -> None:
    csrf = proposed_then_reviewer(client)
    r = client.post("/proposals/1/approve", data={"csrf": csrf, "comment": "Checked."})
    assert r.status_code == 200 and revisions(engine) == 2
    row = report_row(engine)
    assert row.status == "resolved" and row.proposal_id == 1
    assert ("rita", "report-resolved") in audit_actions(engine)
    assert "Reports from readers (0)" in client.get("/review").text


def test_a_rejected_proposal_leaves_the_report_open_for_another(
    client: TestClient, team: None, engine: Engine
) -> None:
    rita = proposed_then_reviewer(client)
    client.post("/proposals/1/reject", data={"csrf": rita, "comment": "Wrong date."})
    assert report_row(engine).status == "open"
    client.cookies.clear()
    csrf = sign_in(client, "eve")
    r = propose_from_report(client, csrf, source_url=OFFERED, date="2024-06-21")
    assert r.status_code == 303 and report_row(engine).proposal_id == 2


def test_a_reviewer_resolves_a_report_that_needs_no_change(
    client: TestClient, team: None, engine: Engine
) -> None:
    reader_reports(client)
    eve = sign_in(client, "eve")
    r = client.post("/corrections/1/resolve", data={"csrf": eve})
    assert r.status_code == 403 and "needs the role reviewer" in r.text
    client.cookies.clear()
    csrf = sign_in(client, "rita")
    r = client.post("/corrections/1/resolve", data={"csrf": "forged"})
    assert r.status_code == 403 and report_row(engine).status == "open"  # CSRF refused
    r = client.post("/corrections/1/resolve", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/review"
    assert report_row(engine).status == "resolved"
    assert ("rita", "report-resolved") in audit_actions(engine)
    r = client.post("/corrections/1/resolve", data={"csrf": csrf})
    assert r.status_code == 409 and "already resolved" in r.text
    r = client.post("/corrections/99/resolve", data={"csrf": csrf})
    assert r.status_code == 404 and "no reader&#39;s report 99" in r.text


@pytest.mark.parametrize(
    ("report", "status", "message"),
    [
        ("abc", 400, "is not the number of a reader"),
        ("1" * 12, 400, "is not the number of a reader"),
        ("99", 404, "There is no reader&#39;s report 99"),
    ],
)
def test_a_bad_report_number_is_refused_clearly_and_stores_nothing(
    client: TestClient, team: None, engine: Engine, report: str, status: int, message: str
) -> None:
    reader_reports(client)
    csrf = sign_in(client, "eve")
    r = propose_from_report(client, csrf, source_url=OFFERED, report=report)
    assert r.status_code == status and message in r.text
    assert client.get("/propose", params={"report": report}).status_code == status
    assert count(engine, m.Proposal) == 0 and report_row(engine).proposal_id is None


def test_a_resolved_report_cannot_become_a_proposal(
    client: TestClient, team: None, engine: Engine
) -> None:
    reader_reports(client)
    with Session(engine) as s:
        queries.resolve_correction(s, id=1)
    csrf = sign_in(client, "eve")
    r = propose_from_report(client, csrf, source_url=OFFERED)
    assert r.status_code == 409 and "already resolved" in r.text
    assert count(engine, m.Proposal) == 0


def test_a_report_about_a_stakeholder_prefills_the_stakeholder(
    client: TestClient, team: None
) -> None:
    reader_reports(client, page="/stakeholders/mayor")
    sign_in(client, "eve")
    chooser = client.get("/propose", params={"report": "1", "stakeholder": "mayor"})
    assert chooser.status_code == 200 and REPORT in chooser.text
    form = client.get(
        "/propose", params={"report": "1", "stakeholder": "mayor", "option": "protected-lanes"}
    ).text
    assert '<option value="mayor" selected>' in form


def test_stakeholder_and_source_pages_offer_propose_a_change(
    client: TestClient, team: None
) -> None:
    assert 'href="/propose?stakeholder=mayor"' in client.get("/stakeholders/mayor").text
    assert 'href="/propose?source=traffic-study"' in client.get("/sources/traffic-study").text
    r = client.get("/propose?stakeholder=mayor", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
    sign_in(client, "eve")
    chooser = client.get("/propose", params={"stakeholder": "mayor"}).text
    assert "<h1>Propose a change: The mayor</h1>" in chooser
    assert '<input type="hidden" name="stakeholder" value="mayor">' in chooser
    form = client.get(
        "/propose", params={"stakeholder": "mayor", "option": "protected-lanes", "kind": "stance"}
    )
    assert form.url.path == "/options/protected-lanes/propose"
    assert '<option value="mayor" selected>' in form.text
    # Switching to the score form keeps what was prefilled.
    assert 'href="?stakeholder=mayor&amp;kind=score"' in form.text
    cited = client.get(
        "/propose", params={"source": "traffic-study", "option": "protected-lanes"}
    ).text
    assert '<option value="traffic-study" selected>' in cited
    r = client.get("/propose", params={"stakeholder": "mayor", "option": "no-such-option"})
    assert r.status_code == 404


def test_the_command_line_records_resolving_in_the_audit_trail(
    client: TestClient, engine: Engine
) -> None:
    reader_reports(client)
    result = CliRunner().invoke(main, ["corrections", "resolve", "1"])
    assert result.exit_code == 0, result.output
    assert [a for _, a in audit_actions(engine)] == ["report-resolved"]
    assert report_row(engine).status == "resolved"
    assert (
        "(proposal"
        not in CliRunner().invoke(main, ["corrections", "list", "--status", "all"]).output
    )
