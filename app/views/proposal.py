"""A proposal as the review pages and the JSON API show it: one view model for both."""

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from app.analysis.changes import RevisionChanges, VerdictChange
from app.dataset.vocabulary import VetoStatus
from app.views import models as api


@dataclass(frozen=True)
class Preview:
    changes: RevisionChanges  # the cell diff, as on /changes
    verdicts: list[VerdictChange]


@dataclass(frozen=True)
class ProposalView:
    id: int
    status: str
    base_revision: int
    note: str
    author: str
    reviewer: str
    comment: str
    created_at: dt.datetime
    reviewed_at: dt.datetime | None
    published_revision: int | None
    patch: list[Any]
    preview: Preview | None  # None when the patch no longer applies to its base
    problem: str = ""


def proposal_out(v: ProposalView) -> api.ProposalOut:
    changes = v.preview.changes if v.preview else None
    return api.ProposalOut(
        id=v.id,
        status=v.status,
        base_revision=v.base_revision,
        note=v.note,
        author=v.author,
        reviewer=v.reviewer or None,
        comment=v.comment,
        created_at=v.created_at,
        reviewed_at=v.reviewed_at,
        published_revision=v.published_revision,
        patch=v.patch,
        added=list(changes.added) if changes else [],
        removed=list(changes.removed) if changes else [],
        changes=[api.CellChangeOut(**asdict(c)) for c in changes.cells] if changes else [],
        verdicts=[
            api.VerdictChangeOut(option=c.option, old=VetoStatus(c.old), new=VetoStatus(c.new))
            for c in (v.preview.verdicts if v.preview else [])
        ],
        problem=v.problem,
    )
