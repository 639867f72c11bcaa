"""Accounts, sign-in, sessions, API tokens and the audit trail. Secrets are random; the
database keeps only their SHA-256 (sessions, tokens) or an Argon2id hash (passwords)."""

import datetime as dt
import hashlib
import re
import secrets
import time

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete
from sqlmodel import Session, col

from app.dataset.records import Principal
from app.errors import BadRequest, NotFound, TooManyRequests, Unauthorized
from app.store import models as m
from app.store import queries

ROLES = ("editor", "reviewer", "admin")
# What each action needs. Every route that changes anything names one of these (app.editing.auth).
PERMISSIONS: dict[str, frozenset[str]] = {
    "propose": frozenset({"editor", "reviewer"}),
    "review": frozenset({"reviewer"}),
    "admin": frozenset({"admin"}),
    "signed-in": frozenset(ROLES),
}
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")
MIN_PASSWORD = 12
MAX_PASSWORD = 1024  # Argon2 takes any length; a megabyte password would only cost CPU
SESSION_DAYS = 7
TOKEN_DAYS = 365
_hasher = PasswordHasher()
# Verified against when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def audit(session: Session, actor: str, action: str, client: str, detail: str = "") -> None:
    """Add one event to the trail; it commits with the caller's transaction."""
    session.add(m.AuditEvent(at=now(), actor=actor, action=action, client=client, detail=detail))


# --- accounts (the CLI) ---------------------------------------------------------------------------


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise BadRequest(f"the password needs at least {MIN_PASSWORD} characters", field="password")
    if len(password) > MAX_PASSWORD:
        raise BadRequest(f"the password is longer than {MAX_PASSWORD} characters", field="password")


def add_user(
    session: Session, name: str, role: str, password: str, *, by: str, client: str
) -> None:
    if not NAME_RE.match(name):
        raise BadRequest(
            "a name is 1 to 40 lower-case letters, digits, '.', '_' or '-', starting with a "
            "letter or digit",
            field="name",
        )
    if role not in ROLES:
        raise BadRequest(f"unknown role {role!r}", field="role", allowed=ROLES)
    check_password(password)
    if queries.user_by_name(session, name=name) is not None:
        raise BadRequest(f"there is already a user called {name!r}", field="name")
    session.add(
        m.User(name=name, role=role, password_hash=_hasher.hash(password), created_at=now())
    )
    audit(session, by, "user-add", client, f"{name} as {role}")
    session.commit()


def _user(session: Session, name: str) -> m.User:
    user = queries.user_by_name(session, name=name)
    if user is None:
        raise NotFound(f"there is no user called {name!r}", field="name")
    return user


def disable_user(session: Session, name: str, *, by: str, client: str) -> None:
    """Disable an account: its sessions end and its tokens stop working at once."""
    user = _user(session, name)
    user.disabled = True
    session.add(user)
    for s in queries.sessions_of(session, user_id=user.id or 0):
        session.delete(s)
    for t in queries.tokens_of(session, user_id=user.id or 0):
        t.revoked = True
        session.add(t)
    audit(session, by, "user-disable", client, name)
    session.commit()


def create_token(session: Session, name: str, *, by: str, client: str) -> str:
    """A new API token for `name`: returned once, only its hash kept."""
    user = _user(session, name)
    if user.disabled:
        raise BadRequest(f"{name!r} is disabled", field="name")
    token = "poe_" + secrets.token_urlsafe(32)
    session.add(
        m.ApiToken(
            secret_hash=secret_hash(token),
            user_id=user.id or 0,
            created_at=now(),
            expires_at=now() + dt.timedelta(days=TOKEN_DAYS),
        )
    )
    audit(session, by, "token-create", client, name)
    session.commit()
    return token


def revoke_tokens(session: Session, name: str, *, by: str, client: str) -> int:
    """Revoke every token of `name`; how many were still valid."""
    user = _user(session, name)
    live = [t for t in queries.tokens_of(session, user_id=user.id or 0) if not t.revoked]
    for t in live:
        t.revoked = True
        session.add(t)
    audit(session, by, "token-revoke", client, f"{name}: {len(live)} token(s)")
    session.commit()
    return len(live)


# --- signing in ---------------------------------------------------------------------------------


def _limited(session: Session, keys: list[tuple[str, int]], window: int) -> int | None:
    """Seconds to wait when any key has used up its failed attempts in this window."""
    t = time.time()
    start = int(t // window) * window
    for key, limit in keys:
        if queries.rate_limit_peek(session, key=key, window=start) >= limit:
            return max(1, int(start + window - t))
    return None


def sign_in(
    session: Session,
    name: str,
    password: str,
    *,
    client: str,
    old_secret: str | None,
    limits: tuple[int, int, int],
) -> str:
    """A new session's secret for `name`, or Unauthorized. `limits` is (failed attempts per
    account, per client, window in seconds), counted in the database so that every instance
    shares them. Any session the browser had is ended: a session is never carried across a
    sign-in (session fixation)."""
    per_account, per_client, window = limits
    keys = [(f"login-account {name[:80]}", per_account), (f"login-client {client}", per_client)]
    wait = _limited(session, keys, window)
    if wait is not None:
        audit(session, name[:80], "sign-in-refused", client, "too many failed attempts")
        session.commit()
        err = TooManyRequests(
            f"Too many failed sign-ins for this account or from your address. Try again in "
            f"{wait} seconds."
        )
        err.retry_after = wait
        raise err
    user = queries.user_by_name(session, name=name)
    try:
        ok: bool = _hasher.verify(
            user.password_hash if user else _DUMMY_HASH, password[:MAX_PASSWORD]
        )
    except (VerificationError, InvalidHashError):
        ok = False
    if old_secret:
        end_session(session, old_secret)
    if not ok or user is None or user.disabled:
        start = int(time.time() // window) * window
        for key, _ in keys:
            queries.rate_limit_hit(session, key=key, window=start, expired=start - window)
        audit(session, name[:80], "sign-in-failed", client)
        session.commit()
        raise Unauthorized("That name and password do not match an active account.")
    secret = secrets.token_urlsafe(32)
    session.add(
        m.UserSession(
            secret_hash=secret_hash(secret),
            user_id=user.id or 0,
            csrf=secrets.token_urlsafe(32),
            created_at=now(),
            expires_at=now() + dt.timedelta(days=SESSION_DAYS),
        )
    )
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
        session.add(user)
    audit(session, user.name, "sign-in", client)
    session.commit()
    return secret


def end_session(session: Session, secret: str) -> None:
    session.execute(
        delete(m.UserSession).where(col(m.UserSession.secret_hash) == secret_hash(secret))
    )


def sign_out(session: Session, secret: str, who: Principal, client: str) -> None:
    end_session(session, secret)
    audit(session, who.name, "sign-out", client)
    session.commit()


def principal(session: Session, *, session_secret: str = "", token: str = "") -> Principal | None:
    if token:
        return queries.token_principal(session, secret_hash=secret_hash(token), now=now())
    if session_secret:
        return queries.session_principal(
            session, secret_hash=secret_hash(session_secret), now=now()
        )
    return None
