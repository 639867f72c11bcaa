"""Helpers for the editors' tests: accounts made through app.editing.accounts (as the CLI makes
them), signing in through the real sign-in form, API tokens."""

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from app.editing import accounts
from app.store import models as m
from tests import markup

PASSWORD = "correct horse battery"


def add_user(engine: Engine, name: str, role: str) -> None:
    with Session(engine) as s:
        accounts.add_user(s, name, role, PASSWORD, by="test", client="test")


def token(engine: Engine, name: str) -> dict[str, str]:
    with Session(engine) as s:
        return {"Authorization": f"Bearer {accounts.create_token(s, name, by='test', client='t')}"}


def form_csrf(html: str) -> str:
    found = markup.select(html, 'input[name="csrf"][value]')
    assert found, "the page has no CSRF field"
    return markup.attr(found[0], "value")


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Sign in through /login; the session's CSRF token (from the review page)."""
    page = client.get("/login")
    r = client.post(
        "/login",
        data={"name": name, "password": password, "csrf": form_csrf(page.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return form_csrf(client.get("/review").text)


def count(engine: Engine, table: type[m.SQLModel]) -> int:
    with Session(engine) as s:
        return int(s.exec(select(func.count()).select_from(table)).one())


def revisions(engine: Engine) -> int:
    with Session(engine) as s:
        return int(s.exec(select(func.max(col(m.Revision.id)))).one() or 0)


def audit_actions(engine: Engine) -> list[tuple[str, str]]:
    with Session(engine) as s:
        rows = s.exec(select(m.AuditEvent).order_by(col(m.AuditEvent.id))).all()
        return [(e.actor, e.action) for e in rows]
