"""Every SELECT the web and API layers need: keyword-only functions returning plain data.

The dataset is small and changes only on `explorer load`, so pages read it whole, once per
revision, and keep it in memory; a page then costs one query (the current revision)."""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app import models as m
from app.dataset.schema import Dataset
from app.records import LinkStatus, RevisionInfo


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


def permalink(session: Session, *, code: str) -> m.Permalink | None:
    return session.get(m.Permalink, code)


def save_permalink(session: Session, *, link: m.Permalink) -> m.Permalink:
    """Insert unless the content-addressed code exists already; repeated clicks add no rows.
    Identical concurrent requests race to insert the same code: the losers read the winner's."""
    existing = session.get(m.Permalink, link.code)
    if existing is not None:
        return existing
    session.add(link)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        existing = session.get(m.Permalink, link.code)
        if existing is None:
            raise
        return existing
    return link


@dataclass(frozen=True)
class RevisionRow:
    number: int
    loaded_at: dt.datetime
    note: str
    content: dict[str, object]


def revisions(session: Session) -> list[RevisionRow]:
    """Every loaded revision with its stored dataset, oldest first: one query."""
    rows = session.exec(select(m.Revision).order_by(col(m.Revision.id))).all()
    return [RevisionRow(r.id or 0, r.loaded_at, r.note, r.content) for r in rows]
