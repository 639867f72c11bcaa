"""Permanent links stay small (F2): a row holds the canonical state, the dataset revision, the
creation time and the snapshot format, about 200 bytes, instead of the whole comparison (up to
140 KB). Each revision's dataset is stored once (Revision.content), so a link's comparison is
rebuilt from it: the same dataset, the same state, and the same day (`at=` when the state has
one, else the day the link was made, which decides the conditions in force).

When a link is made, the comparison the reader saw is rebuilt at once and compared: only if the
two differ (say a process built its index on an earlier day and a condition has changed since)
is the comparison stored in the row, and the link shows that. Rows made before this change
keep their stored comparison too."""

import datetime as dt
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import parse_qsl

from sqlmodel import Session, col, select

from app import models as m
from app.analysis.compare import Snapshot, comparison_snapshot
from app.analysis.index import Index, build_index
from app.dataset.schema import Dataset
from app.records import RevisionInfo
from app.state import Vocab, parse_compare

K = TypeVar("K")
V = TypeVar("V")


class _Lru(OrderedDict[K, V]):
    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size
        self.lock = threading.Lock()

    def get_or_build(self, key: K, build: Callable[[], V]) -> V:
        with self.lock:
            if key in self:
                self.move_to_end(key)
                return self[key]
        value = build()  # outside the lock: two threads may build the same value, both right
        with self.lock:
            self[key] = value
            while len(self) > self.size:
                self.popitem(last=False)
        return value


# Keyed by content hash, not revision number: numbers repeat across databases (tests, a
# restored backup). Small: a dataset and its indexes take a few MB, a snapshot up to 140 KB.
_datasets: _Lru[str, tuple[Dataset, Vocab]] = _Lru(4)
_indexes: _Lru[tuple[str, dt.date | None, dt.date], Index] = _Lru(8)
_snapshots: _Lru[tuple[str, str, dt.date], Snapshot] = _Lru(64)


def _content_hash(session: Session, revision: int) -> str:
    found = session.exec(select(m.Revision.content_hash).where(m.Revision.id == revision)).first()
    if found is None:
        raise LookupError(f"revision {revision} is not in the database")
    return found


def _dataset(session: Session, revision: int, digest: str) -> tuple[Dataset, Vocab]:
    def build() -> tuple[Dataset, Vocab]:
        from app.site import build_site  # the vocabulary the state was parsed with

        row = session.get(m.Revision, revision)
        assert row is not None
        ds = Dataset.model_validate(row.content)
        info = RevisionInfo(revision, row.content_hash, row.loaded_at)
        return ds, build_site(info, build_index(ds)).vocab

    return _datasets.get_or_build(digest, build)


def rebuild(session: Session, *, revision: int, state: str, made: dt.datetime) -> Snapshot:
    """The comparison of canonical `state` on `revision`, as it stood when the link was `made`."""
    digest = _content_hash(session, revision)
    ds, vocab = _dataset(session, revision, digest)
    parsed = parse_compare(parse_qsl(state, keep_blank_values=True), vocab)
    day = made.date()
    index = _indexes.get_or_build(
        (digest, parsed.at, day), lambda: build_index(ds, at=parsed.at, today=day)
    )
    return comparison_snapshot(index, parsed, revision=revision)


def snapshot(session: Session, link: m.Permalink) -> Snapshot:
    """What the link shows: its stored comparison, or the rebuilt one."""
    if link.snapshot is not None:
        return link.snapshot
    return _snapshots.get_or_build(
        (_content_hash(session, link.revision), link.code, link.created_at.date()),
        lambda: rebuild(session, revision=link.revision, state=link.state, made=link.created_at),
    )


def _plain(data: Any) -> Any:
    """As the JSON column gives it back."""
    return json.loads(json.dumps(data))


def shrink(session: Session, link: m.Permalink) -> m.Permalink:
    """Before a new link is stored: drop its snapshot when the rebuild gives the same one."""
    if link.snapshot is None:
        return link
    link.snapshot_version = int(link.snapshot.get("version", link.snapshot_version))
    # Stored timestamps have no zone (UTC); the day is taken from what the row will hold.
    made = link.created_at.astimezone(dt.UTC) if link.created_at.tzinfo else link.created_at
    rebuilt = rebuild(session, revision=link.revision, state=link.state, made=made)
    if _plain(rebuilt) == _plain(link.snapshot):
        link.snapshot = None
    return link


def materialise(session: Session) -> int:
    """Store the rebuilt comparison in every row that has none (for the schema before 0003)."""
    rows = session.exec(select(m.Permalink).where(col(m.Permalink.snapshot).is_(None))).all()
    for link in rows:
        link.snapshot = _plain(
            rebuild(session, revision=link.revision, state=link.state, made=link.created_at)
        )
        session.add(link)
    return len(rows)
