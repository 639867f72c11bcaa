"""Proposals through the JSON API: checked by `explorer check`'s rules, reviewed by someone
else, published as a revision that /changes and its feed credit to author and reviewer."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.store import models as m
from tests.helpers import add_user, audit_actions, count, revisions, token

MAYOR_BACKS_PROTECTED = [
    {
        "op": "add",
        "path": "/stances/-",
        "value": {
            "stakeholder": "mayor",
            "option": "protected-lanes",
            "date": "2024-06-20",
            "position": 1,
            "summary": "The mayor now backs the plan.",
            "sources": [{"id": "local-paper", "locator": "para 9"}],
        },
    }
]


@pytest.fixture
def team(client: TestClient, engine: Engine) -> dict[str, dict[str, str]]:
    for name, role in (
        ("eve", "editor"),
        ("rita", "reviewer"),
        ("rob", "reviewer"),
        ("ada", "admin"),
    ):
        add_user(engine, name, role)
    return {n: token(engine, n) for n in ("eve", "rita", "rob", "ada")}


def propose(client: TestClient, who: dict[str, str], patch: list[Any], note: str = "Update") -> Any:
    return client.post(
        "/api/v1/proposals", json={"base_revision": 1, "note": note, "patch": patch}, headers=who
    )


def test_a_proposal_is_checked_stored_and_shows_its_diff_and_verdicts(
    client: TestClient, team: dict[str, dict[str, str]], engine: Engine
) -> None:
    r = propose(client, team["eve"], MAYOR_BACKS_PROTECTED, "The mayor changed her mind.")
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "open" and body["author"] == "eve" and body["reviewer"] is None
    assert {"option": "Protected lanes", "old": "blocked", "new": body["verdicts"][0]["new"]} in (
        body["verdicts"]
    )
    assert body["verdicts"][0]["new"] != "blocked"
    assert any(c["option"] == "Protected lanes" for c in body["changes"])
    again = client.get(f"/api/v1/proposals/{body['id']}", headers=team["rita"])
    assert again.json()["verdicts"] == body["verdicts"]
    assert revisions(engine) == 1  # nothing published before review


def test_without_a_token_401_and_with_a_bad_one_401(
    client: TestClient, team: dict[str, dict[str, str]], engine: Engine
) -> None:
    assert propose(client, {}, MAYOR_BACKS_PROTECTED).status_code == 401
    r = propose(client, {"Authorization": "Bearer nope"}, MAYOR_BACKS_PROTECTED)
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert client.get("/api/v1/proposals/1").status_code == 401
    assert count(engine, m.Proposal) == 0


def test_an_admin_may_not_propose_and_an_editor_may_not_approve(
    client: TestClient, team: dict[str, dict[str, str]], engine: Engine
) -> None:
    assert propose(client, team["ada"], MAYOR_BACKS_PROTECTED).status_code == 403
    pid = propose(client, team["eve"], MAYOR_BACKS_PROTECTED).json()["id"]
    r = client.post(f"/api/v1/proposals/{pid}/approve", headers=team["eve"])
    assert r.status_code == 403
    assert revisions(engine) == 1


def test_a_revoked_token_stops_working(
    client: TestClient, team: dict[str, dict[str, str]], engine: Engine
) -> None:
    from sqlmodel import Session

    from app.editing import accounts

    with Session(engine) as s:
        accounts.revoke_tokens(s, "eve", by="test", client="test")
    assert propose(client, team["eve"], MAYOR_BACKS_PROTECTED).status_code == 401


def test_a_patch_failing_the_checks_is_422_naming_path_and_field(
    client: TestClient, team: dict[str, dict[str, str]], engine: Engine
) -> None:
    bad = [
        {
            **MAYOR_BACKS_PROTECTED[0],
            "value": {**MAYOR_BACKS_PROTECTED[0]["value"], "stakeholder": "pope"},
        }
    ]
    r = propose(client, team["eve"], bad)
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["problems"][0]["path"] == "/stances/6/stakeholder"
    assert "unknown stakeholder 'pope'" in err["message"]
    assert count(engine, m.Proposal) == 0


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("summary", "<script>alert(1)</script>", "markup"),
        ("summary", "<img src=x onerror=alert(1)>", "markup"),
        ("summary", "Bell\x07 here", "control character U+0007"),
        ("summary", "x" * 5000, "at most 4,000"),
        ("date", "2024-13-45", "date"),
        ("date", "2024-07-01", "after the dossier's as_of"),
        ("date", "yesterday", "date"),
    ],
)
def test_a_hostile_proposal_is_refused_clearly_and_changes_nothing(
    client: TestClient,
    team: dict[str, dict[str, str]],
    engine: Engine,
    field: str,
    value: str,
    says: str,
) -> None:
    stance = {**MAYOR_BACKS_PROTECTED[0]["value"], field: value}
    r = propose(client, team["eve"], [{"op": "add", "path": "/stances/-", "value": stance}])
    assert r.status_code == 422, r.text
    assert says in r.json()["error"]["message"]
    assert r.json()["error"]["problems"][0]["path"].startswith("/stances/")
    assert count(engine, m.Proposal) == 0 and revisions(engine) == 1


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_a_malformed_patch_or_body_is_refused_without_a_500(
    client: TestClient, team: dict[str, dict[str, str]], engine: Engine
) -> None:
    for patch in ([{"op": "remove", "path": "/nowhere/3"}], [{"op": "jump", "path": "/x"}], []):
        assert propose(client, team["eve"], patch).status_code == 422
    r = client.post(
        "/api/v1/proposals",
        content=b"{",
        headers={**team["eve"], "content-type": "application/json"},
    )
    assert r.status_code == 400
    assert propose(client, team["eve"], MAYOR_BACKS_PROTECTED, note="").status_code == 422
    assert count(engine, m.Proposal) == 0


def test_approval_publishes_with_note_author_and_reviewer(
    client: TestClient, team: dict[str, dict[str, str]], engine: Engine
) -> None:
    pid = propose(client, team["eve"], MAYOR_BACKS_PROTECTED, "The mayor backs it now.").json()[
        "id"
    ]
    assert client.post(f"/api/v1/proposals/{pid}/approve", headers=team["eve"]).status_code == 403
    r = client.post(
        f"/api/v1/proposals/{pid}/approve", json={"comment": "Checked."}, headers=team["rita"]
    )
    assert r.status_code == 200, r.text
    assert r.json()["revision"] == 2
    assert r.json()["proposal"]["status"] == "approved"
    assert r.json()["proposal"]["reviewer"] == "rita"
    newest = client.get("/api/v1/changes").json()["revisions"][0]
    assert (newest["revision"], newest["author"], newest["reviewer"]) == (2, "eve", "rita")
    assert newest["note"] == "The mayor backs it now."
    page = client.get("/changes").text
    assert "Proposed by <strong>eve</strong>, approved by <strong>rita</strong>" in page
    feed = client.get("/changes.atom").text
    assert "<author><name>eve</name></author>" in feed and "<name>rita</name>" in feed
    stances = client.get("/api/v1/stances?stakeholder=mayor&option=protected-lanes").json()
    assert any(
        s["summary"] == "The mayor backs it now." or s["position"] == 1 for s in stances["stances"]
    )
    # A second approval of the same proposal is a conflict, and publishes nothing.
    assert client.post(f"/api/v1/proposals/{pid}/approve", headers=team["rob"]).status_code == 409
    assert revisions(engine) == 2
    actions = [a for _, a in audit_actions(engine)]
    assert actions[-3:] == ["proposal", "approve", "publish"]


def test_two_proposals_on_one_score_conflict_and_the_second_is_not_guessed(
    client: TestClient, team: dict[str, dict[str, str]], engine: Engine
) -> None:
    def score(n: int) -> list[Any]:
        return [{"op": "replace", "path": "/options/0/assessments/safety/score", "value": n}]

    first = propose(client, team["eve"], score(3)).json()["id"]
    second = propose(client, team["rob"], score(1)).json()["id"]
    appended = propose(client, team["eve"], MAYOR_BACKS_PROTECTED).json()["id"]
    assert (
        client.post(f"/api/v1/proposals/{first}/approve", headers=team["rita"]).status_code == 200
    )
    r = client.post(f"/api/v1/proposals/{second}/approve", headers=team["rita"])
    assert r.status_code == 409
    assert "/options/0/assessments/safety/score" in r.json()["error"]["message"]
    assert revisions(engine) == 2
    assert (
        client.get(f"/api/v1/proposals/{second}", headers=team["rita"]).json()["status"] == "open"
    )
    # A proposal that only appends applies over the moved revision.
    assert (
        client.post(f"/api/v1/proposals/{appended}/approve", headers=team["rob"]).status_code == 200
    )
    ds = client.get("/api/v1/dataset").json()
    assert ds["options"][0]["assessments"]["safety"]["score"] == 3
    assert ds["stances"][-1]["summary"] == "The mayor now backs the plan."


def test_rejection_keeps_the_dataset_and_records_the_comment(
    client: TestClient, team: dict[str, dict[str, str]], engine: Engine
) -> None:
    pid = propose(client, team["eve"], MAYOR_BACKS_PROTECTED).json()["id"]
    r = client.post(
        f"/api/v1/proposals/{pid}/reject", json={"comment": "No source."}, headers=team["rita"]
    )
    assert r.status_code == 200
    assert (r.json()["status"], r.json()["comment"], r.json()["reviewer"]) == (
        "rejected",
        "No source.",
        "rita",
    )
    assert revisions(engine) == 1


def test_the_proposal_routes_are_in_the_openapi_schema(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"post"} <= set(paths["/api/v1/proposals"])
    assert "401" in paths["/api/v1/proposals"]["post"]["responses"]
    assert "422" in paths["/api/v1/proposals"]["post"]["responses"]
    assert "post" in paths["/api/v1/proposals/{proposal_id}/approve"]
    assert "get" in paths["/api/v1/proposals/{proposal_id}"]


def test_a_revision_landing_during_an_approval_is_not_overwritten(
    client: TestClient,
    team: dict[str, dict[str, str]],
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Approval checks the patch against the current revision, then publishes: a load that
    commits in between must not be lost under the approved dataset."""
    from sqlmodel import Session

    from app.dataset.schema import Dataset
    from app.editing import proposals
    from app.store.load import import_dataset

    pid = propose(client, team["eve"], MAYOR_BACKS_PROTECTED).json()["id"]
    ds = Dataset.model_validate(client.get("/api/v1/dataset").json())
    moved = ds.model_copy(update={"dossier": ds.dossier.model_copy(update={"title": "Moved"})})

    def load_first(*args: Any, **kwargs: Any) -> Any:
        with Session(engine) as other:
            import_dataset(other, moved, note="A load from elsewhere")
        return import_dataset(*args, **kwargs)

    monkeypatch.setattr(proposals, "import_dataset", load_first)
    r = client.post(f"/api/v1/proposals/{pid}/approve", headers=team["rita"])
    assert r.status_code == 409 and "Approve it again" in r.json()["error"]["message"]
    assert revisions(engine) == 2
    assert client.get("/api/v1/dataset").json()["dossier"]["title"] == "Moved"
    monkeypatch.undo()
    r = client.post(f"/api/v1/proposals/{pid}/approve", headers=team["rita"])
    # The next revision (PostgreSQL's sequence skips the number the refused attempt took).
    assert r.status_code == 200 and r.json()["revision"] == revisions(engine) > 2
    assert client.get("/api/v1/dataset").json()["dossier"]["title"] == "Moved"


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_export_writes_the_published_proposal(
    client: TestClient, team: dict[str, dict[str, str]]
) -> None:
    from click.testing import CliRunner

    from app.ops.cli import main

    pid = propose(client, team["eve"], MAYOR_BACKS_PROTECTED).json()["id"]
    client.post(f"/api/v1/proposals/{pid}/approve", headers=team["rita"])
    result = CliRunner().invoke(main, ["export"])
    assert result.exit_code == 0
    assert "The mayor now backs the plan." in result.stdout
