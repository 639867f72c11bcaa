"""The changes page, `/changes` (and its Atom feed): what each dataset revision changed; its JSON
twin.

Pure: no FastAPI, no database."""

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from app.analysis.changes import RevisionChanges
from app.views import models as api


@dataclass(frozen=True)
class ChangesPage:
    revisions: tuple[RevisionChanges, ...]  # newest first


def build(revisions: Sequence[RevisionChanges]) -> ChangesPage:
    return ChangesPage(tuple(revisions))


def changes(revisions: Sequence[RevisionChanges]) -> api.ChangesOut:
    return api.ChangesOut(
        revisions=[
            api.RevisionChangesOut(
                revision=r.number,
                loaded_at=r.loaded_at,
                note=r.note,
                as_of=r.as_of,
                first=r.first,
                added=list(r.added),
                removed=list(r.removed),
                changes=[api.CellChangeOut(**asdict(c)) for c in r.cells],
                author=r.author,
                reviewer=r.reviewer,
            )
            for r in revisions
        ]
    )
