"""Permanent links stay small (F2): a row holds the canonical state, the dataset revision, the
creation time and the snapshot format, about 200 bytes, instead of the whole comparison (up to
140 KB). Each revision's dataset is stored once (Revision.content), so a link's comparison is
rebuilt from it: the same dataset, the same state, and the same day (`at=` when the state has
one, else the day the link was made, which decides the conditions in force).

When a link is made, the comparison the reader saw is rebuilt at once and compared: only if the
two differ (say a process built its index on an earlier day and a condition has changed since)
is the comparison stored in the row, and the link shows that. Rows made before this change
keep their stored comparison too.

A stored comparison is a typed Snapshot (app.analysis.snapshot) in JSON, with its format in
`snapshot_version`; older formats are upgraded as they are read (`load_snapshot`)."""

import datetime as dt
import logging
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from pydantic import ValidationError
from sqlmodel import Session, col, select

from app.analysis.compare import comparison_snapshot
from app.analysis.index import Index, build_index
from app.analysis.lru import Lru, deep_size
from app.analysis.snapshot import (
    SNAPSHOT_VERSION,
    Snapshot,
    SnapshotFormatError,
    load_snapshot,
)
from app.dataset.schema import Dataset
from app.state import Vocab, parse_compare, vocab_of
from app.store import models as m

log = logging.getLogger(__name__)


@dataclass
class Caches:
    """What reading permanent links keeps, owned by one app (`app.state.permalinks`). Keyed by
    content hash, not revision number: numbers repeat across databases (tests, a restored
    backup). Small, and bounded by bytes: a dataset takes about 2 MB and an index 3 MB with
    it (the default dataset), a snapshot up to 620 KB."""

    datasets: Lru[str, tuple[Dataset, Vocab]] = field(
        default_factory=lambda: Lru(4, max_weight=12 << 20, weigh=deep_size)
    )
    indexes: Lru[tuple[str, dt.date | None, dt.date], Index] = field(
        default_factory=lambda: Lru(4, max_weight=16 << 20, weigh=deep_size)
    )
    snapshots: Lru[tuple[str, str, dt.date], Snapshot] = field(
        default_factory=lambda: Lru(64, max_weight=6 << 20, weigh=deep_size)
    )


def _content_hash(session: Session, revision: int) -> str:
    found = session.exec(select(m.Revision.content_hash).where(m.Revision.id == revision)).first()
    if found is None:
        raise LookupError(f"revision {revision} is not in the database")
    return found


def _dataset(session: Session, revision: int, digest: str, caches: Caches) -> tuple[Dataset, Vocab]:
    def build() -> tuple[Dataset, Vocab]:
        # The one column it needs: a migration's downgrade rebuilds links on a revision table
        # without the columns later migrations add, which loading the whole row would name.
        content = session.exec(select(m.Revision.content).where(m.Revision.id == revision)).one()
        ds = Dataset.model_validate(content)
        index = build_index(ds)
        return ds, vocab_of(ds, index.earliest)  # the vocabulary the state was parsed with

    return caches.datasets.get_or_build(digest, build)


def rebuild(
    session: Session, caches: Caches, *, revision: int, state: str, made: dt.datetime
) -> Snapshot:
    """The comparison of canonical `state` on `revision`, as it stood when the link was `made`."""
    digest = _content_hash(session, revision)
    ds, vocab = _dataset(session, revision, digest, caches)
    parsed = parse_compare(parse_qsl(state, keep_blank_values=True), vocab)
    day = made.date()
    index = caches.indexes.get_or_build(
        (digest, parsed.at, day), lambda: build_index(ds, at=parsed.at, today=day)
    )
    return comparison_snapshot(index, parsed, revision=revision)


@dataclass(frozen=True)
class Link:
    """A permanent link as pages read it: the row, with the comparison it shows."""

    code: str
    state: str
    revision: int
    created_at: dt.datetime
    snapshot: Snapshot


def stored(row: m.Permalink) -> Snapshot | None:
    """The row's own comparison, upgraded to the current format; None if it has none."""
    if row.snapshot is None:
        return None
    return load_snapshot({"version": row.snapshot_version, **row.snapshot})


def snapshot(session: Session, row: m.Permalink, caches: Caches) -> Snapshot:
    """What the link shows: its stored comparison, or the rebuilt one. A stored one this code
    cannot read (a newer deployment's format, say, during a rolling upgrade) is rebuilt from
    the link's state and revision rather than failing the page."""
    try:
        own = stored(row)
    except (SnapshotFormatError, ValidationError) as exc:
        log.warning("permalink %s: stored comparison unreadable (%s); rebuilt", row.code, exc)
        own = None
    if own is not None:
        return own
    return caches.snapshots.get_or_build(
        (_content_hash(session, row.revision), row.code, row.created_at.date()),
        lambda: rebuild(
            session, caches, revision=row.revision, state=row.state, made=row.created_at
        ),
    )


def link(session: Session, row: m.Permalink, caches: Caches) -> Link:
    return Link(row.code, row.state, row.revision, row.created_at, snapshot(session, row, caches))


def new_row(
    *, code: str, state: str, revision: int, made: dt.datetime, shown: Snapshot
) -> m.Permalink:
    """The row for a new link to the comparison `shown`; `shrink` drops the stored copy when
    rebuilding gives the same."""
    return m.Permalink(
        code=code,
        state=state,
        revision=revision,
        snapshot=shown.json_data(),
        snapshot_version=SNAPSHOT_VERSION,
        created_at=made,
    )


def shrink(session: Session, row: m.Permalink, caches: Caches) -> m.Permalink:
    """Before a new link is stored: drop its snapshot when the rebuild gives the same one."""
    shown = stored(row)
    if shown is None:
        return row
    # Stored timestamps have no zone (UTC); the day is taken from what the row will hold.
    made = row.created_at.astimezone(dt.UTC) if row.created_at.tzinfo else row.created_at
    if rebuild(session, caches, revision=row.revision, state=row.state, made=made) == shown:
        row.snapshot = None
    return row


def materialise(session: Session) -> int:
    """Store the rebuilt comparison in every row that has none (for the schema before 0003)."""
    rows = session.exec(select(m.Permalink).where(col(m.Permalink.snapshot).is_(None))).all()
    caches = Caches()  # a migration's own: no app serves meanwhile
    for row in rows:
        shown = rebuild(
            session, caches, revision=row.revision, state=row.state, made=row.created_at
        )
        row.snapshot = shown.json_data()
        row.snapshot_version = SNAPSHOT_VERSION
        session.add(row)
    return len(rows)
