"""Every SELECT the web and API layers need: keyword-only functions returning plain data.

The dataset is small and changes only on `explorer load`, so pages read it whole, once per
revision, and keep it in memory; a page then costs one query (the current revision)."""

import datetime as dt
import json
from dataclasses import dataclass

from sqlmodel import Session, col, select

from app import models as m
from app.dataset.export import export_dataset
from app.dataset.schema import Dataset


@dataclass(frozen=True)
class RevisionInfo:
    number: int
    content_hash: str
    loaded_at: dt.datetime


def current_revision(session: Session) -> RevisionInfo | None:
    row = session.exec(
        select(m.Revision.id, m.Revision.content_hash, m.Revision.loaded_at)
        .order_by(col(m.Revision.id).desc())
        .limit(1)
    ).first()
    return RevisionInfo(row[0], row[1], row[2]) if row else None


def dataset(session: Session) -> Dataset | None:
    return export_dataset(session)


def revision_content(session: Session, *, number: int) -> Dataset | None:
    row = session.get(m.Revision, number)
    return Dataset.model_validate(row.content) if row else None


def link_checks(session: Session) -> dict[str, m.LinkCheck]:
    return {lc.url: lc for lc in session.exec(select(m.LinkCheck)).all()}


def permalink(session: Session, *, code: str) -> m.Permalink | None:
    return session.get(m.Permalink, code)


def save_permalink(session: Session, *, link: m.Permalink) -> m.Permalink:
    """Insert unless the content-addressed code exists already; repeated clicks add no rows."""
    existing = session.get(m.Permalink, link.code)
    if existing is not None:
        return existing
    session.add(link)
    session.commit()
    return link


def snapshot_json(snapshot: dict[str, object]) -> str:
    return json.dumps(snapshot, sort_keys=True, ensure_ascii=False, default=str)
