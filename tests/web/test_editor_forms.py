"""The editors' forms: propose a stance or a score with errors beside the fields and a preview
of what changes; review from the queue; the audit trail for admins."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.store import models as m
from tests.helpers import add_user, count, first, one, revisions, select, sign_in, text

STANCE = {
    "kind": "stance",
    "base_revision": "1",
    "stakeholder": "mayor",
    "position": "1",
    "date": "2024-06-20",
    "summary": "The mayor now backs protected lanes.",
    "source_url": "https://example.org/riverton/mayor-backs-lanes",
    "source_title": "Mayor backs protected lanes",
    "source_publisher": "Riverton Gazette",
    "source_date": "2024-06-20",
    "source_kind": "secondary",
    "locator": "para 2",
    "note": "The mayor changed her position.",
}


@pytest.fixture
def editor(client: TestClient, engine: Engine) -> str:
    for name, role in (("eve", "editor"), ("rita", "reviewer"), ("ada", "admin")):
        add_user(engine, name, role)
    return sign_in(client, "eve")


def post(client: TestClient, csrf: str, form: dict[str, Any]) -> Any:
    return client.post(
        "/options/protected-lanes/propose", data={**form, "csrf": csrf}, follow_redirects=False
    )


def errors_beside(html: str, field: str) -> list[str]:
    found = select(html, f'ul[class="field-errors"]#{field}-errors')
    return [li.decode_contents() for li in select(found[0], "li")] if found else []


def test_the_option_page_links_to_the_form(client: TestClient) -> None:
    assert 'href="/options/protected-lanes/propose"' in client.get("/options/protected-lanes").text


def test_a_preview_shows_the_verdict_and_cells_that_change_and_stores_nothing(
    client: TestClient, editor: str, engine: Engine
) -> None:
    r = post(client, editor, {**STANCE, "preview": "1"})
    assert r.status_code == 200
    assert "Verdicts that change" in r.text and "Protected lanes:" in r.text
    assert 'class="changes"' in r.text
    assert count(engine, m.Proposal) == 0


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        ({"date": "2024-02-30"}, "date", "date"),
        ({"summary": "<b>bold</b>"}, "summary", "markup"),
        ({"source_kind": "gossip"}, "source_kind", "must be one of"),
        ({"source_url": "ftp://example.org/x"}, "source_url", "should match pattern"),
        ({"stakeholder": ""}, "stakeholder", ""),
        ({"quote": "We will build it."}, "quote_by", ""),
    ],
)
def test_errors_appear_beside_their_fields(
    client: TestClient,
    editor: str,
    engine: Engine,
    change: dict[str, str],
    field: str,
    says: str,
) -> None:
    r = post(client, editor, {**STANCE, **change, "submit": "1"})
    assert r.status_code == 422
    html = r.text
    alerts = [
        a for a in select(html, '[role="alert"]') if a.contents[:1] == select(a, ":scope > p")[:1]
    ]
    found = errors_beside(html, field) or [first(a, "li").decode_contents() for a in alerts]
    assert found, str(first(html, "form"))[:3000]
    assert says in " ".join(found)
    assert f'value="{change.get(field, "")}"' in html or field in (
        "summary",
        "quote_by",
        "stakeholder",
        "source_kind",
    )
    assert count(engine, m.Proposal) == 0


def test_the_whole_loop_through_the_forms(client: TestClient, editor: str, engine: Engine) -> None:
    r = post(client, editor, {**STANCE, "submit": "1"})
    assert r.status_code == 303
    proposal = r.headers["location"]
    # The author cannot approve their own proposal, even with a reviewer's form.
    page = client.get(proposal)
    assert "Approve and publish" not in page.text
    client.cookies.clear()
    csrf = sign_in(client, "rita")
    queue = client.get("/review").text
    assert "Proposal 1" in queue and "The mayor changed her position." in queue
    r = client.post(f"{proposal}/approve", data={"csrf": csrf, "comment": "Source checked."})
    assert r.status_code == 200 and "approved" in r.text and "revision 2" in r.text
    assert revisions(engine) == 2
    option = client.get("/options/protected-lanes").text
    assert "The mayor now backs protected lanes." in option
    assert "Mayor backs protected lanes" in client.get("/sources").text
    changes = client.get("/changes").text
    assert "Proposed by <strong>eve</strong>, approved by <strong>rita</strong>" in changes


def test_a_score_proposal_previews_the_score_cell(client: TestClient, editor: str) -> None:
    form = {
        "kind": "score",
        "base_revision": "1",
        "criterion": "cost",
        "score": "3",
        "confidence": "medium",
        "rationale": "Kerbs cost more than paint, less than first thought.",
        "source_id": "traffic-study",
        "locator": "p. 12",
        "note": "New cost estimate.",
        "preview": "1",
    }
    r = post(client, editor, form)
    assert r.status_code == 200, r.text
    changed = select(r.text, "td:has(> del:only-child) + td:has(> ins:only-child)")
    assert any("3" in text(one(td, "ins")) for td in changed)
    bad = post(client, editor, {**form, "score": "9"})
    assert bad.status_code == 422 and errors_beside(bad.text, "score")


def test_self_approval_through_the_form_is_refused(client: TestClient, engine: Engine) -> None:
    add_user(engine, "rob", "reviewer")
    csrf = sign_in(client, "rob")
    r = post(client, csrf, {**STANCE, "submit": "1"})
    pid = r.headers["location"]
    r = client.post(f"{pid}/approve", data={"csrf": csrf})
    assert r.status_code == 403 and "Nobody reviews their own proposal" in r.text
    assert revisions(engine) == 1


def test_admins_read_the_audit_trail(client: TestClient, editor: str, engine: Engine) -> None:
    post(client, editor, {**STANCE, "submit": "1"})
    client.cookies.clear()
    sign_in(client, "ada")
    page = client.get("/admin/audit")
    assert page.status_code == 200
    assert "<td>eve</td><td>proposal</td>" in page.text and "<td>sign-in</td>" in page.text


def test_a_condition_ending_lifts_its_bar_in_the_preview(flood: TestClient, engine: Engine) -> None:
    add_user(engine, "eve", "editor")
    csrf = sign_in(flood, "eve")
    form = {
        "csrf": csrf,
        "kind": "condition",
        "base_revision": "1",
        "condition": "flood-emergency",
        "until": "2024-06-01",
        "source_id": "emergency-order",
        "locator": "s. 9",
        "note": "The emergency order was lifted.",
        "preview": "1",
    }
    r = flood.post("/options/river-diversion/propose", data=form)
    assert r.status_code == 200, r.text
    assert "Divert the river:" in r.text and "Verdicts that change" in r.text
    bad = flood.post("/options/river-diversion/propose", data={**form, "until": "2024-02-31"})
    assert bad.status_code == 422 and errors_beside(bad.text, "until")
    r = flood.post(
        "/options/river-diversion/propose",
        data={**form, "preview": "", "submit": "1"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and count(engine, m.Proposal) == 1


def test_a_new_source_alone_can_be_proposed(
    client: TestClient, editor: str, engine: Engine
) -> None:
    form = {k: v for k, v in STANCE.items() if k.startswith("source_")}
    r = post(
        client,
        editor,
        {**form, "kind": "source", "base_revision": "1", "note": "A source.", "submit": "1"},
    )
    assert r.status_code == 303
    missing = post(client, editor, {"kind": "source", "base_revision": "1", "preview": "1"})
    assert missing.status_code == 422 and errors_beside(missing.text, "source_url") == [
        "is required"
    ]
