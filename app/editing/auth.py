"""The one place that decides who may do what: `require(action)` is the dependency of every
route that changes anything (and of every editors' page). It finds who is asking (an API
token in `Authorization: Bearer`, else the session cookie), checks the role against
app.editing.accounts.PERMISSIONS, and for a cookie-borne request that changes something, the CSRF
token. tests/web/test_editor_access.py fails if a writing route lacks it."""

import hmac
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session

from app.dataset.records import Principal
from app.editing import accounts
from app.errors import Forbidden, Unauthorized

SESSION_COOKIE = "explorer_session"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Forms without a session yet (sign-in) carry a token that must equal this cookie's.
PRE_CSRF_COOKIE = "explorer_csrf"


def bearer(request: Request) -> str | None:
    """The token of `Authorization: Bearer ...`; None without the header, "" when malformed."""
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _lookup(request: Request) -> Principal | None:
    token = bearer(request)
    with Session(request.app.state.engine) as session:
        if token is not None:
            if not token:
                raise Unauthorized("Send the API token as `Authorization: Bearer TOKEN`.")
            found = accounts.principal(session, token=token)
            if found is None:
                raise Unauthorized("That API token is unknown, revoked or expired.")
            return found
        cookie = request.cookies.get(SESSION_COOKIE, "")
        return accounts.principal(session, session_secret=cookie) if cookie else None


async def who(request: Request) -> Principal | None:
    """The signed-in user or token owner, or None for a reader; once per request."""
    found: Principal | bool | None = getattr(request.state, "principal", False)
    if found is False:
        found = await run_in_threadpool(_lookup, request)
        request.state.principal = found
    assert found is None or isinstance(found, Principal)
    return found


async def _csrf_sent(request: Request) -> str:
    if sent := request.headers.get(CSRF_HEADER):
        return sent
    if request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await request.form()).get(CSRF_FIELD)
        return value if isinstance(value, str) else ""
    return ""


def same_token(a: str, b: str) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(a.encode(), b.encode())


async def check_pre_csrf(request: Request) -> None:
    """A form sent without a session (sign-in): its token must equal the cookie set with it."""
    if not same_token(await _csrf_sent(request), request.cookies.get(PRE_CSRF_COOKIE, "")):
        raise Forbidden(
            "This form has expired or did not come from this site. Reload the page and send "
            "it again.",
            back=("Sign in", "/login"),
        )


Dependency = Callable[[Request], Awaitable[Principal]]


def require(action: str) -> Dependency:
    """The dependency for a route doing `action` (a key of accounts.PERMISSIONS)."""
    roles = accounts.PERMISSIONS[action]

    async def dependency(request: Request) -> Principal:
        found = await who(request)
        if found is None:
            raise Unauthorized(
                "Sign in as an editor to do this.",
                back=("Sign in", "/login?next=" + request.url.path),
            )
        if found.role not in roles:
            need = " or ".join(sorted(roles))
            raise Forbidden(f"This needs the role {need}; {found.name} is {found.role}.")
        if (
            request.method in UNSAFE
            and found.via == "session"
            and not same_token(await _csrf_sent(request), found.csrf)
        ):
            raise Forbidden(
                "This form has expired or did not come from this site (its CSRF token "
                "does not match your session). Reload the page and send it again."
            )
        return found

    marked: Any = dependency
    marked.permission = action  # what the route-listing test looks for
    return dependency
