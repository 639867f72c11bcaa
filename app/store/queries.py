"""Every SELECT the web and API layers need: keyword-only functions returning plain data.

The dataset is small and changes only on `explorer load`, so pages read it whole, once per
revision, and keep it in memory; a page then costs one query (the current revision)."""

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, func
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col, select

from app.dataset.records import LinkStatus, Principal, RevisionInfo
from app.dataset.schema import Dataset
from app.errors import Busy
from app.store import models as m
from app.store import permalinks


def current_revision(session: Session) -> RevisionInfo | None:
    """One query for both the revision and the link-check stamp."""
    last_check = select(func.max(m.LinkCheck.checked_at)).scalar_subquery()
    row = session.exec(
        select(m.Revision.id, m.Revision.content_hash, m.Revision.loaded_at, last_check)
        .order_by(col(m.Revision.id).desc())
        .limit(1)
    ).first()
    return RevisionInfo(row[0] or 0, row[1], row[2], row[3]) if row else None


def dataset(session: Session, *, revision: int) -> Dataset | None:
    """The dataset exactly as `revision` loaded it. One row: reading the content tables takes
    several SELECTs, and a load committing between them mixed two datasets (F11)."""
    row = session.get(m.Revision, revision)
    return Dataset.model_validate(row.content) if row is not None else None


def link_checks(session: Session) -> dict[str, LinkStatus]:
    return {
        lc.url: LinkStatus(lc.ok, lc.status, lc.error, lc.final_url, lc.archive_url, lc.checked_at)
        for lc in session.exec(select(m.LinkCheck)).all()
    }


def permalink(session: Session, *, code: str, caches: permalinks.Caches) -> permalinks.Link | None:
    """The link with its comparison: stored in the row, or rebuilt from its revision (F2)."""
    row = session.get(m.Permalink, code)
    return None if row is None else permalinks.link(session, row, caches)


def save_permalink(
    session: Session, *, link: m.Permalink, caches: permalinks.Caches, hourly_cap: int = 0
) -> bool:
    """Insert unless the content-addressed code exists already; repeated clicks add no rows.
    Identical concurrent requests race to insert the same code: the losers read the winner's.
    The row keeps the comparison only if rebuilding it would not give the same (F2). With
    `hourly_cap`, a new row past that many in the last hour, from anyone, raises CapReached.
    True when this call added the row (the caller counts it)."""
    if session.get(m.Permalink, link.code) is not None:
        return False
    if hourly_cap and permalinks_since(session, dt.datetime.now(dt.UTC) - HOUR) >= hourly_cap:
        raise CapReached(
            "So many permanent links were made in the last hour that new ones are paused. "
            "The comparison itself works: copy its address, or try again later."
        )
    session.add(permalinks.shrink(session, link, caches))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        if session.get(m.Permalink, link.code) is None:
            raise
        return False
    return True


HOUR = dt.timedelta(hours=1)


class CapReached(Busy):
    retry_after = 300


def permalinks_since(session: Session, since: dt.datetime) -> int:
    """Links made at or after `since` (indexed on created_at)."""
    stmt = select(func.count()).select_from(m.Permalink).where(m.Permalink.created_at >= since)
    return int(session.exec(stmt).one())


def deployment_secret(session: Session, *, key: str) -> str:
    """The deployment's secret `key`, made at first use and kept in the database, so every
    process and instance of one deployment shares it and no two deployments do."""
    row = session.get(m.DeploymentSetting, key)
    if row is None:
        dialect = session.get_bind().dialect.name
        upsert = pg_insert if dialect == "postgresql" else sqlite_insert
        table = m.DeploymentSetting.__table__  # type: ignore[attr-defined]  # untyped in SQLModel
        made = upsert(table).values(key=key, value=secrets.token_urlsafe(32))
        session.execute(made.on_conflict_do_nothing(index_elements=["key"]))
        session.commit()  # two first starts race: both read the one row that won
        row = session.get(m.DeploymentSetting, key)
        assert row is not None
    return row.value


@dataclass(frozen=True)
class RevisionRow:
    number: int
    loaded_at: dt.datetime
    note: str
    content: dict[str, object]
    author: str = ""
    reviewer: str = ""


def revisions(session: Session) -> list[RevisionRow]:
    """Every loaded revision with its stored dataset, oldest first: one query."""
    rows = session.exec(select(m.Revision).order_by(col(m.Revision.id))).all()
    return [
        RevisionRow(r.id or 0, r.loaded_at, r.note, r.content, r.author, r.reviewer) for r in rows
    ]


def rate_limit_hit(session: Session, *, key: str, window: int, expired: int) -> int:
    """Count one request of `key` in the fixed window starting at `window`; the count so far.
    One atomic upsert, so concurrent processes never lose a hit. Starting a window also
    deletes windows that ended by `expired`."""
    dialect = session.get_bind().dialect.name
    upsert = pg_insert if dialect == "postgresql" else sqlite_insert
    table = m.RateLimit.__table__  # type: ignore[attr-defined]  # SQLModel leaves it untyped
    insert = upsert(table).values(key=key, window=window, hits=1)
    stmt = insert.on_conflict_do_update(
        index_elements=["key", "window"], set_={"hits": table.c.hits + 1}
    ).returning(table.c.hits)
    hits = int(session.execute(stmt).scalar_one())
    if hits == 1:
        session.execute(delete(table).where(table.c.window <= expired))
    session.commit()
    return hits


def rate_limit_count(engine: Engine, *, key: str, window: int, expired: int) -> int | None:
    """rate_limit_hit in a session of its own; None when the database is busy (a load holds
    SQLite's write lock beyond busy_timeout, or PostgreSQL's lock beyond lock_timeout)."""
    try:
        with Session(engine) as session:
            return rate_limit_hit(session, key=key, window=window, expired=expired)
    except OperationalError:
        return None


# --- readers' error reports ----------------------------------------------------------------------


def add_correction(
    session: Session,
    *,
    page: str,
    cell: str,
    text: str,
    source_url: str | None,
    email: str | None,
    now: dt.datetime,
) -> int:
    """Store a reader's report (status open); its id."""
    row = m.Correction(
        page=page, cell=cell, text=text, source_url=source_url, email=email, created_at=now
    )
    session.add(row)
    session.commit()
    assert row.id is not None
    return row.id


def corrections(session: Session, *, status: str | None = None) -> list[m.Correction]:
    """Reports, oldest first; only those with `status` (open | resolved) if given."""
    stmt = select(m.Correction).order_by(col(m.Correction.id))
    if status is not None:
        stmt = stmt.where(m.Correction.status == status)
    return list(session.exec(stmt).all())


def correction(session: Session, *, id: int) -> m.Correction | None:
    return session.get(m.Correction, id)


def corrections_of_proposal(session: Session, *, proposal_id: int) -> list[m.Correction]:
    """The open reports an editor turned into proposal `proposal_id`."""
    stmt = select(m.Correction).where(
        m.Correction.proposal_id == proposal_id, m.Correction.status == "open"
    )
    return list(session.exec(stmt).all())


def resolve_correction(session: Session, *, id: int) -> m.Correction | None:
    """Mark report `id` resolved; the report, or None when there is none with that id."""
    row = session.get(m.Correction, id)
    if row is not None:
        row.status = "resolved"
        session.add(row)
        session.commit()
        session.refresh(row)
    return row


# --- editors: accounts, sessions, tokens, proposals, audit ---------------------------------------


def rate_limit_peek(session: Session, *, key: str, window: int) -> int:
    """The count of `key` in the window starting at `window`, without counting anything."""
    row = session.get(m.RateLimit, (key, window))
    return row.hits if row is not None else 0


def user_by_name(session: Session, *, name: str) -> m.User | None:
    return session.exec(select(m.User).where(m.User.name == name)).first()


def users(session: Session) -> list[m.User]:
    return list(session.exec(select(m.User).order_by(col(m.User.name))).all())


def user_names(session: Session, *, ids: set[int]) -> dict[int, str]:
    rows = session.exec(select(m.User.id, m.User.name).where(col(m.User.id).in_(ids))).all()
    return {uid or 0: name for uid, name in rows}


def session_principal(session: Session, *, secret_hash: str, now: dt.datetime) -> Principal | None:
    """The enabled user of an unexpired session, with the session's CSRF token."""
    row = session.exec(
        select(m.User, m.UserSession.csrf)
        .join(m.UserSession, col(m.UserSession.user_id) == m.User.id)
        .where(m.UserSession.secret_hash == secret_hash, m.UserSession.expires_at > now)
        .where(col(m.User.disabled).is_(False))
    ).first()
    if row is None:
        return None
    user, csrf = row
    return Principal(user.id or 0, user.name, user.role, "session", csrf)


def token_principal(session: Session, *, secret_hash: str, now: dt.datetime) -> Principal | None:
    """The enabled user of an unrevoked, unexpired API token."""
    user = session.exec(
        select(m.User)
        .join(m.ApiToken, col(m.ApiToken.user_id) == m.User.id)
        .where(m.ApiToken.secret_hash == secret_hash, m.ApiToken.expires_at > now)
        .where(col(m.ApiToken.revoked).is_(False), col(m.User.disabled).is_(False))
    ).first()
    return None if user is None else Principal(user.id or 0, user.name, user.role, "token")


def tokens_of(session: Session, *, user_id: int) -> list[m.ApiToken]:
    return list(session.exec(select(m.ApiToken).where(m.ApiToken.user_id == user_id)).all())


def sessions_of(session: Session, *, user_id: int) -> list[m.UserSession]:
    return list(session.exec(select(m.UserSession).where(m.UserSession.user_id == user_id)).all())


def proposal(session: Session, *, proposal_id: int) -> m.Proposal | None:
    return session.get(m.Proposal, proposal_id)


def open_proposals(session: Session) -> list[m.Proposal]:
    """The review queue: oldest first."""
    stmt = select(m.Proposal).where(m.Proposal.status == "open").order_by(col(m.Proposal.id))
    return list(session.exec(stmt).all())


def revision_content(session: Session, *, revision: int) -> dict[str, object] | None:
    row = session.get(m.Revision, revision)
    return None if row is None else row.content


def audit_events(session: Session, *, limit: int = 500) -> list[m.AuditEvent]:
    """The newest `limit` events, newest first."""
    stmt = select(m.AuditEvent).order_by(col(m.AuditEvent.id).desc()).limit(limit)
    return list(session.exec(stmt).all())


def revision_before(session: Session, *, revision: int) -> int | None:
    """The newest revision older than `revision`."""
    stmt = select(func.max(m.Revision.id)).where(col(m.Revision.id) < revision)
    found = session.exec(stmt).one()
    return int(found) if found is not None else None
