"""The stance form covers a joint statement (its signatories, or every member of a body, with
the joint text) and the route a stance addresses (#22.2), through the real form."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.store import models as m
from tests.helpers import add_user, count, sign_in
from tests.web.test_editor_forms import errors_beside

JOINT = {
    "kind": "stance",
    "base_revision": "1",
    "position": "-1",
    "date": "2024-05-02",
    "summary": "Two groups wrote jointly against the diversion.",
    "via": "the joint letter of 2 May",
    "source_id": "emergency-order",
    "note": "A joint letter against the diversion.",
}


def send(client: TestClient, path: str, form: dict[str, Any], csrf: str) -> Any:
    return client.post(path, data={**form, "csrf": csrf}, follow_redirects=False)


def stored_stances(engine: Engine) -> list[dict[str, Any]]:
    with Session(engine) as s:
        rows = s.exec(select(m.Proposal)).all()
        return [op["value"] for p in rows for op in p.patch if op["path"] == "/stances/-"]


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_a_joint_statement_of_chosen_signatories(flood: TestClient, engine: Engine) -> None:
    add_user(engine, "eve", "editor")
    csrf = sign_in(flood, "eve")
    form = {**JOINT, "signatories": ["greens", "liberals"]}
    page = flood.get("/options/river-diversion/propose").text
    assert 'name="signatories" multiple' in page and 'name="members_of"' in page
    r = send(flood, "/options/river-diversion/propose", {**form, "preview": "1"}, csrf)
    assert r.status_code == 200, r.text
    assert '<option value="greens" selected>' in r.text  # kept when the form is shown again
    r = send(flood, "/options/river-diversion/propose", {**form, "submit": "1"}, csrf)
    assert r.status_code == 303
    (stance,) = stored_stances(engine)
    assert stance["stakeholders"] == ["greens", "liberals"] and "stakeholder" not in stance
    assert stance["via"] == "the joint letter of 2 May"


def test_a_joint_statement_of_every_member_of_a_body(flood: TestClient, engine: Engine) -> None:
    add_user(engine, "eve", "editor")
    csrf = sign_in(flood, "eve")
    r = send(
        flood,
        "/options/river-diversion/propose",
        {**JOINT, "members_of": "executive", "submit": "1"},
        csrf,
    )
    assert r.status_code == 303
    (stance,) = stored_stances(engine)
    assert stance["members_of"] == "executive"


def test_one_stakeholder_or_one_joint_statement_never_both(
    flood: TestClient, engine: Engine
) -> None:
    add_user(engine, "eve", "editor")
    csrf = sign_in(flood, "eve")
    for extra in ({"stakeholder": "mayor", "signatories": "greens"}, {}):
        r = send(flood, "/options/river-diversion/propose", {**JOINT, **extra, "submit": "1"}, csrf)
        assert r.status_code == 422
        assert "exactly one of the three" in errors_beside(r.text, "stakeholder")[0]
    unknown = send(
        flood,
        "/options/river-diversion/propose",
        {**JOINT, "signatories": ["greens", "nobody"], "submit": "1"},
        csrf,
    )
    assert unknown.status_code == 422 and errors_beside(unknown.text, "signatories")
    assert count(engine, m.Proposal) == 0


def test_a_stance_on_one_route_of_an_option(ukraine: TestClient, engine: Engine) -> None:
    add_user(engine, "eve", "editor")
    csrf = sign_in(ukraine, "eve")
    page = ukraine.get("/options/article-5-extension/propose").text
    assert '<option value="nato-protocol">a NATO protocol</option>' in page
    form = {
        "kind": "stance",
        "base_revision": "1",
        "stakeholder": "de",
        "route": "nato-protocol",
        "position": "1",
        "date": "2026-07-01",
        "summary": "Germany backs a NATO protocol.",
        "source_url": "https://example.org/route-test",
        "source_title": "Route test",
        "source_publisher": "Example Desk",
        "source_date": "2026-07-01",
        "source_kind": "secondary",
        "note": "A stance on one route.",
    }
    bad = send(
        ukraine,
        "/options/article-5-extension/propose",
        {**form, "route": "x", "preview": "1"},
        csrf,
    )
    assert bad.status_code == 422 and errors_beside(bad.text, "route")
    r = send(ukraine, "/options/article-5-extension/propose", {**form, "submit": "1"}, csrf)
    assert r.status_code == 303, r.text
    (stance,) = stored_stances(engine)
    assert stance["route"] == "nato-protocol"


def test_the_change_is_seen_before_it_can_be_submitted(flood: TestClient, engine: Engine) -> None:
    add_user(engine, "eve", "editor")
    csrf = sign_in(flood, "eve")
    blank = flood.get("/options/river-diversion/propose").text
    assert 'name="submit"' not in blank and "Preview the change to see what it does" in blank
    form = {**JOINT, "members_of": "executive", "preview": "1"}
    previewed = send(flood, "/options/river-diversion/propose", form, csrf).text
    assert "What this change would do" in previewed and 'name="submit"' in previewed
