"""Who may do what: every route that changes anything is guarded by app.editing.auth.require, and
signing in resists fixation, cross-site forms and guessing."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.config import Settings
from app.editing.accounts import PERMISSIONS
from app.main import create_app
from app.store import models as m
from tests.helpers import PASSWORD, add_user, audit_actions, count, form_csrf, sign_in, token

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# Writes any reader may make: a permanent link (/c), a report of an error (the corrections
# form), and signing in itself (its own CSRF token and attempt limits; tested below).
PUBLIC_WRITES = {"/c", "/corrections", "/report", "/login"}


def permissions(route: APIRoute) -> set[str]:
    """The permissions the route's dependencies demand (app.editing.auth.require marks them)."""
    found: set[str] = set()
    stack = [route.dependant]
    while stack:
        dep = stack.pop()
        if (p := getattr(dep.call, "permission", None)) is not None:
            found.add(p)
        stack.extend(dep.dependencies)
    return found


def api_routes(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, APIRoute]]:
    """Every route of the app, through the routers it includes."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route
        elif (router := getattr(route, "original_router", None)) is not None:
            extra = getattr(getattr(route, "include_context", None), "prefix", "") or ""
            yield from api_routes(router.routes, prefix + extra)


def writing_routes(client: TestClient) -> list[tuple[str, str, set[str]]]:
    out = []
    for path, route in api_routes(client.app.routes):  # type: ignore[attr-defined]
        for method in sorted(route.methods & UNSAFE):
            if path not in PUBLIC_WRITES:
                out.append((method, path, permissions(route)))
    return out


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", lambda m: "1" if "id" in m.group() else "protected-lanes", path)


@pytest.fixture
def people(client: TestClient, engine: Engine) -> dict[str, dict[str, str]]:
    for name, role in (("eve", "editor"), ("rita", "reviewer"), ("ada", "admin")):
        add_user(engine, name, role)
    return {n: token(engine, n) for n in ("eve", "rita", "ada")}


def test_every_route_that_changes_anything_needs_a_role(
    client: TestClient, people: dict[str, dict[str, str]]
) -> None:
    routes = writing_routes(client)
    assert len(routes) >= 6  # the proposal API and the editors' forms are all listed
    for method, path, needs in routes:
        assert len(needs) == 1, f"{method} {path} is not guarded by app.editing.auth.require"
        (need,) = needs
        r = client.request(method, concrete(path), json={})
        assert r.status_code in (401, 403), f"{method} {path} answered {r.status_code} to a reader"
        for name, headers in people.items():
            role = {"eve": "editor", "rita": "reviewer", "ada": "admin"}[name]
            if role not in PERMISSIONS[need]:
                r = client.request(method, concrete(path), json={}, headers=headers)
                assert r.status_code == 403, f"{method} {path} let {role} through ({r.status_code})"


def test_editors_pages_need_a_sign_in(client: TestClient) -> None:
    for path in ("/review", "/proposals/1", "/admin/audit", "/options/protected-lanes/propose"):
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next="), path
    assert client.get("/review").url.path == "/login"


def test_roles_see_only_their_pages(client: TestClient, engine: Engine) -> None:
    add_user(engine, "eve", "editor")
    sign_in(client, "eve")
    assert client.get("/options/protected-lanes/propose").status_code == 200
    r = client.get("/admin/audit")
    assert r.status_code == 403 and "needs the role admin" in r.text


def test_cookies_are_httponly_lax_and_secure_on_https(
    client: TestClient, engine: Engine, migrated: Settings
) -> None:
    add_user(engine, "eve", "editor")
    page = client.get("/login")
    r = client.post(
        "/login",
        data={"name": "eve", "password": PASSWORD, "csrf": form_csrf(page.text)},
        follow_redirects=False,
    )
    cookie = r.headers["set-cookie"]
    assert "explorer_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie
    https = migrated.model_copy(update={"public_url": "https://explorer.example.org"})
    with TestClient(create_app(https), base_url="https://testserver") as c:
        page = c.get("/login")
        r = c.post(
            "/login",
            data={"name": "eve", "password": PASSWORD, "csrf": form_csrf(page.text)},
            follow_redirects=False,
        )
        assert "Secure" in r.headers["set-cookie"]


def test_session_fixation_a_cookie_set_before_sign_in_is_never_the_session(
    client: TestClient, engine: Engine
) -> None:
    add_user(engine, "eve", "editor")
    client.cookies.set("explorer_session", "chosen-by-an-attacker", domain="testserver.local")
    sign_in(client, "eve")
    first = client.cookies.get("explorer_session")
    assert first and first != "chosen-by-an-attacker"
    sign_in(client, "eve")  # signing in again renews the session and ends the old one
    second = client.cookies.get("explorer_session")
    assert second != first
    with TestClient(client.app) as other:  # type: ignore[arg-type]
        other.cookies.set("explorer_session", first)
        assert other.get("/review", follow_redirects=False).status_code == 303
        other.cookies.set("explorer_session", second)
        assert other.get("/review", follow_redirects=False).status_code == 200


def test_sign_out_ends_the_session(client: TestClient, engine: Engine) -> None:
    add_user(engine, "eve", "editor")
    csrf = sign_in(client, "eve")
    kept = client.cookies.get("explorer_session")
    assert client.post("/logout", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    client.cookies.set("explorer_session", kept or "")
    assert client.get("/review", follow_redirects=False).status_code == 303


def test_csrf_a_form_without_the_sessions_token_is_refused_and_changes_nothing(
    client: TestClient, engine: Engine
) -> None:
    add_user(engine, "eve", "editor")
    csrf = sign_in(client, "eve")
    form: dict[str, Any] = {
        "kind": "stance",
        "base_revision": "1",
        "stakeholder": "mayor",
        "position": "1",
        "date": "2024-06-20",
        "summary": "The mayor backs it.",
        "source_id": "local-paper",
        "note": "Mayor's new stance.",
        "submit": "1",
    }
    for bad in ({}, {"csrf": "guessed"}):
        r = client.post("/options/protected-lanes/propose", data={**form, **bad})
        assert r.status_code == 403 and "CSRF" in r.text
    assert count(engine, m.Proposal) == 0
    r = client.post("/logout", data={}, follow_redirects=False)
    assert r.status_code == 403
    # The sign-in form has its own token: a form posted from elsewhere lacks it.
    r = client.post("/login", data={"name": "eve", "password": PASSWORD})
    assert r.status_code == 403
    # With the token, the same form is accepted.
    r = client.post(
        "/options/protected-lanes/propose", data={**form, "csrf": csrf}, follow_redirects=False
    )
    assert r.status_code == 303 and count(engine, m.Proposal) == 1


def test_sign_in_is_limited_per_account_across_instances(
    client: TestClient, engine: Engine, migrated: Settings
) -> None:
    add_user(engine, "eve", "editor")

    def attempt(c: TestClient, password: str) -> int:
        page = c.get("/login")
        data = {"name": "eve", "password": password, "csrf": form_csrf(page.text)}
        return c.post("/login", data=data, follow_redirects=False).status_code

    with TestClient(create_app(migrated)) as second:  # another instance on the same database
        codes = [attempt(client if i % 2 else second, "wrong password!") for i in range(5)]
        assert codes == [401] * 5
        assert attempt(client, PASSWORD) == 429  # even the right password, for now
        assert attempt(second, PASSWORD) == 429
    assert ("eve", "sign-in-refused") in audit_actions(engine)


def test_sign_in_is_limited_per_client(
    client: TestClient, engine: Engine, migrated: Settings
) -> None:
    for i in range(3):
        add_user(engine, f"user{i}", "editor")
    strict = migrated.model_copy(update={"login_client_attempts": 3})
    with TestClient(create_app(strict)) as c:
        for i in range(3):
            page = c.get("/login")
            data = {"name": f"user{i}", "password": "wrong password!", "csrf": form_csrf(page.text)}
            assert c.post("/login", data=data).status_code == 401
        page = c.get("/login")
        data = {"name": "user0", "password": PASSWORD, "csrf": form_csrf(page.text)}
        r = c.post("/login", data=data)
        assert r.status_code == 429 and "Retry-After" in r.headers


def test_sign_in_and_failures_are_audited_with_the_client(
    client: TestClient, engine: Engine
) -> None:
    add_user(engine, "eve", "editor")
    page = client.get("/login")
    client.post(
        "/login", data={"name": "eve", "password": "nope nope nope", "csrf": form_csrf(page.text)}
    )
    sign_in(client, "eve")
    actions = audit_actions(engine)
    assert ("eve", "sign-in-failed") in actions and ("eve", "sign-in") in actions


def test_the_next_address_after_sign_in_stays_on_this_site(
    client: TestClient, engine: Engine
) -> None:
    add_user(engine, "eve", "editor")
    page = client.get("/login?next=//evil.example/")
    data = {
        "name": "eve",
        "password": PASSWORD,
        "csrf": form_csrf(page.text),
        "next": "//evil.example/",
    }
    r = client.post("/login", data=data, follow_redirects=False)
    assert r.headers["location"] == "/review"


def test_editors_pages_are_never_cached(client: TestClient, engine: Engine) -> None:
    add_user(engine, "eve", "editor")
    sign_in(client, "eve")
    for path in ("/review", "/options/protected-lanes/propose", "/login"):
        assert client.get(path).headers["cache-control"] == "no-store", path


def test_a_huge_proposal_number_is_a_clear_400(client: TestClient, engine: Engine) -> None:
    add_user(engine, "eve", "editor")
    sign_in(client, "eve")
    r = client.get("/proposals/99999999999999999999")
    assert r.status_code == 400
    assert client.get("/proposals/7").status_code == 404


def test_a_huge_base_revision_is_refused_clearly(client: TestClient, engine: Engine) -> None:
    add_user(engine, "eve", "editor")
    csrf = sign_in(client, "eve")
    form = {"csrf": csrf, "kind": "stance", "base_revision": "9" * 30, "preview": "1"}
    r = client.post("/options/protected-lanes/propose", data=form)
    assert r.status_code == 422 and "base revision is unknown" in r.text
    headers = token(engine, "eve")
    body = {"base_revision": 10**30, "note": "x", "patch": [{"op": "remove", "path": "/x"}]}
    assert client.post("/api/v1/proposals", json=body, headers=headers).status_code == 400
