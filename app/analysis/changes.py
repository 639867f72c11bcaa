"""What each dataset revision changed: options added or removed, then every cell of the
comparison table (scores, hurdles, veto status, stances) that differs from the revision
before, using the same diff as permanent links. Pure: datasets in, plain data out."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from app.analysis.compare import CellChange, comparison_snapshot, diff_snapshots
from app.analysis.index import build_index, veto_for
from app.analysis.snapshot import Snapshot
from app.dataset.schema import Dataset
from app.state import CompareState


@dataclass(frozen=True)
class StoredRevision:
    number: int
    loaded_at: dt.datetime
    note: str
    dataset: Dataset
    author: str = ""  # who proposed it, for a revision published from a proposal
    reviewer: str = ""  # who approved it


@dataclass(frozen=True)
class RevisionChanges:
    number: int
    loaded_at: dt.datetime
    note: str
    as_of: dt.date
    first: bool  # the first load: everything is new, nothing is listed cell by cell
    added: tuple[str, ...]  # option titles
    removed: tuple[str, ...]
    cells: tuple[CellChange, ...]
    author: str = ""
    reviewer: str = ""

    @property
    def count(self) -> int:
        return len(self.added) + len(self.removed) + len(self.cells)


def _snapshot(ds: Dataset, slugs: Sequence[str], number: int) -> Snapshot:
    index = build_index(ds)
    state = CompareState(o=tuple(slugs), defaults={c.slug: c.default_weight for c in ds.criteria})
    return comparison_snapshot(index, state, revision=number)


def revision_changes(revisions: Sequence[StoredRevision]) -> list[RevisionChanges]:
    """Newest first. `revisions` may come in any order."""
    ordered = sorted(revisions, key=lambda r: r.number)
    out: list[RevisionChanges] = []
    for prev, cur in zip([None, *ordered], ordered, strict=False):
        new_titles = {o.slug: o.title for o in cur.dataset.options}
        if prev is None:
            out.append(
                RevisionChanges(
                    cur.number,
                    cur.loaded_at,
                    cur.note,
                    cur.dataset.dossier.as_of,
                    True,
                    tuple(new_titles.values()),
                    (),
                    (),
                    cur.author,
                    cur.reviewer,
                )
            )
            continue
        old_titles = {o.slug: o.title for o in prev.dataset.options}
        kept = [s for s in old_titles if s in new_titles]
        cells: list[CellChange] = []
        if kept:
            cells = diff_snapshots(
                _snapshot(prev.dataset, kept, prev.number),
                _snapshot(cur.dataset, kept, cur.number),
            )
        out.append(
            RevisionChanges(
                cur.number,
                cur.loaded_at,
                cur.note,
                cur.dataset.dossier.as_of,
                False,
                tuple(t for s, t in new_titles.items() if s not in old_titles),
                tuple(t for s, t in old_titles.items() if s not in new_titles),
                tuple(cells),
                cur.author,
                cur.reviewer,
            )
        )
    return list(reversed(out))


@dataclass(frozen=True)
class VerdictChange:
    option: str  # title
    old: str  # veto status: clear, uncertain, blocked, barred
    new: str

    def __str__(self) -> str:
        return f"{self.option}: {self.old} → {self.new}"


def verdict_changes(old: Dataset, new: Dataset) -> list[VerdictChange]:
    """The options, present in both, whose veto status differs ("NATO membership: blocked →
    uncertain"), in the order of the new dataset."""
    before, after = build_index(old), build_index(new)
    out: list[VerdictChange] = []
    for o in new.options:
        if o.slug in before.options:
            a, b = veto_for(before, o.slug).status, veto_for(after, o.slug).status
            if a != b:
                out.append(VerdictChange(o.title, str(a), str(b)))
    return out


def proposed_changes(
    old: Dataset, new: Dataset, base: int
) -> tuple[RevisionChanges, list[VerdictChange]]:
    """What publishing `new` over revision `base` (`old`) would change: the same cell diff
    as /changes, and the verdicts that move."""
    now = dt.datetime.now(dt.UTC)
    cells = revision_changes(
        [StoredRevision(base, now, "", old), StoredRevision(base + 1, now, "", new)]
    )[0]
    return cells, verdict_changes(old, new)
