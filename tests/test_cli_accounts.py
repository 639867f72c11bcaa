"""`explorer user`, `explorer token` and `explorer audit`, on the test's database."""

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.ops.cli import main
from app.store import models as m
from tests.helpers import CYCLE, PASSWORD, sign_in

runner = CliRunner()


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(main, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_add_list_disable_a_user(engine: Engine) -> None:
    code, out, _ = run("user", "add", "eve", "--role", "editor", "--password-stdin", stdin=PASSWORD)
    assert (code, out) == (0, "added eve as editor\n")
    with Session(engine) as s:
        user = s.exec(select(m.User)).one()
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
    assert run("user", "list")[1] == "eve\teditor\tactive\n"
    assert run("user", "disable", "eve")[0] == 0
    assert run("user", "list")[1] == "eve\teditor\tdisabled\n"


def test_the_password_prompt_asks_twice(engine: Engine) -> None:
    code, out, _ = run(
        "user", "add", "rita", "--role", "reviewer", stdin=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert code == 0 and "added rita as reviewer" in out


def test_bad_accounts_are_refused_with_a_clear_line(engine: Engine) -> None:
    assert run("user", "add", "eve", "--role", "editor", "--password-stdin", stdin="short")[2] == (
        "error: password: the password needs at least 12 characters\n"
    )
    code, _, err = run(
        "user", "add", "Eve <b>", "--role", "editor", "--password-stdin", stdin=PASSWORD
    )
    assert code == 1 and err.startswith("error: name:")
    code, _, err = run("user", "add", "eve", "--role", "king", "--password-stdin", stdin=PASSWORD)
    assert code == 2 and "king" in err
    run("user", "add", "eve", "--role", "editor", "--password-stdin", stdin=PASSWORD)
    code, _, err = run("user", "add", "eve", "--role", "admin", "--password-stdin", stdin=PASSWORD)
    assert code == 1 and "already a user called 'eve'" in err
    assert run("user", "disable", "nobody")[2] == "error: name: there is no user called 'nobody'\n"


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_a_token_is_printed_once_stored_hashed_and_revoked(
    client: TestClient, engine: Engine
) -> None:
    run("user", "add", "eve", "--role", "editor", "--password-stdin", stdin=PASSWORD)
    code, out, _ = run("token", "create", "eve")
    secret = out.strip()
    assert code == 0 and secret.startswith("poe_")
    with Session(engine) as s:
        stored = s.exec(select(m.ApiToken)).one()
    assert secret not in stored.secret_hash
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/proposals/1", headers=headers).status_code == 404
    assert run("token", "revoke", "eve")[1] == "revoked 1 token(s) of eve\n"
    assert client.get("/api/v1/proposals/1", headers=headers).status_code == 401


def test_disabling_ends_sessions_at_once(client: TestClient, engine: Engine) -> None:
    run("user", "add", "eve", "--role", "editor", "--password-stdin", stdin=PASSWORD)
    sign_in(client, "eve")
    assert client.get("/review", follow_redirects=False).status_code == 200
    run("user", "disable", "eve")
    assert client.get("/review", follow_redirects=False).status_code == 303


def test_the_audit_trail_records_account_changes_and_loads(engine: Engine) -> None:
    run("user", "add", "eve", "--role", "editor", "--password-stdin", stdin=PASSWORD)
    assert run("load", str(CYCLE), "--note", "First.")[0] == 0
    run("token", "create", "eve")
    code, out, _ = run("audit")
    lines = [line.split("\t") for line in out.splitlines()]
    assert code == 0
    assert [(line[2], line[3]) for line in lines] == [
        ("token-create", "command line"),
        ("load", "command line"),
        ("user-add", "command line"),
    ]
    assert lines[1][4] == "revision 1 from cycle-lanes.yaml"
    assert lines[0][1].startswith("cli")
    # An unchanged load publishes nothing, and records nothing.
    run("load", str(CYCLE))
    assert len(run("audit")[1].splitlines()) == 3
