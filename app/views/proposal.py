"""A proposal as the review pages and the JSON API show it: one view model for both, and the
API's request and response shapes."""

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.analysis.changes import RevisionChanges, VerdictChange
from app.dataset.vocabulary import VetoStatus
from app.views import models as api

# --- the JSON API's shapes of a proposal (app/api/proposals.py) ---------------------------------


class ProposalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    base_revision: int = Field(
        ge=1, le=2**31 - 1, description="The revision whose dataset the patch is against"
    )
    note: str = Field(max_length=2000, description="What the change is and why; shown on /changes")
    patch: list[dict[str, object]] = Field(
        max_length=100,
        description="A JSON Patch (RFC 6902) against the dataset in the shape of "
        "`GET /api/v1/dataset` (the dataset file's shape)",
    )


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    comment: str = Field("", max_length=2000)


class VerdictChangeOut(api.Out):
    option: str
    old: VetoStatus
    new: VetoStatus


class ProposalOut(api.Out):
    id: int
    status: Literal["open", "approved", "rejected"]
    base_revision: int
    note: str
    author: str
    reviewer: str | None
    comment: str
    created_at: api.UtcDatetime
    reviewed_at: api.UtcDatetime | None
    published_revision: int | None = Field(description="The revision an approval published")
    patch: list[dict[str, object]]
    added: list[str] = Field(description="Titles of options the patch adds")
    removed: list[str] = Field(description="Titles of options the patch removes")
    changes: list[api.CellChangeOut] = Field(
        description="Cell-by-cell diff against its base revision"
    )
    verdicts: list[VerdictChangeOut] = Field(description="Options whose veto status would change")
    problem: str = Field("", description="Why the patch no longer applies to its base, if so")


class ApprovedOut(api.Out):
    proposal: ProposalOut
    revision: int = Field(description="The revision the approval published")


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


def proposal_out(v: ProposalView) -> ProposalOut:
    changes = v.preview.changes if v.preview else None
    return ProposalOut(
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
            VerdictChangeOut(option=c.option, old=VetoStatus(c.old), new=VetoStatus(c.new))
            for c in (v.preview.verdicts if v.preview else [])
        ],
        problem=v.problem,
    )
