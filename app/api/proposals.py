"""Proposals over the JSON API: an editor's token proposes, a reviewer's approves or rejects.
Who may call each route is decided by app.editing.auth.require alone."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request

from app.dataset.records import Principal
from app.editing import proposals
from app.editing.auth import require
from app.serving.site import SessionDep
from app.views import models as api
from app.views import proposal

router = APIRouter(prefix="/api/v1/proposals", tags=["proposals"])

TEXT = {
    401: "No valid API token (send `Authorization: Bearer TOKEN`)",
    403: "The token's role may not do this (or it is the reviewer's own proposal)",
    404: "No such proposal",
    409: "Already reviewed, or the dataset changed a path the patch touches",
    422: "The patched dataset would not pass `explorer check`: every failing path is named",
}


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    out: dict[int | str, dict[str, Any]] = {
        c: {"model": api.ErrorResponse, "description": TEXT[c]} for c in codes
    }
    out["4XX"] = {"model": api.ErrorResponse, "description": "Any other client error"}
    return out


ProposalId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The proposal's number")]


def client(request: Request) -> str:
    return request.client.host if request.client else ""


@router.post("", status_code=201, summary="Propose a change", responses=_errors(401, 403, 422))
def create(
    body: proposal.ProposalIn,
    request: Request,
    session: SessionDep,
    who: Annotated[Principal, Depends(require("propose"))],
) -> proposal.ProposalOut:
    """Store a JSON Patch against `base_revision`'s dataset for review. It is checked at once by
    the rules of `explorer check`; nothing is stored when it fails."""
    patch: list[Any] = list(body.patch)
    row = proposals.propose(session, who, body.base_revision, body.note, patch, client(request))
    return proposal.proposal_out(proposals.describe(session, row))


@router.get(
    "/{proposal_id}",
    summary="A proposal, its diff and verdict changes",
    responses=_errors(401, 404),
)
def read(
    proposal_id: ProposalId,
    session: SessionDep,
    who: Annotated[Principal, Depends(require("signed-in"))],
) -> proposal.ProposalOut:
    return proposal.proposal_out(proposals.describe(session, proposals.get(session, proposal_id)))


@router.post(
    "/{proposal_id}/approve",
    summary="Approve and publish",
    responses=_errors(401, 403, 404, 409, 422),
)
def approve(
    proposal_id: ProposalId,
    request: Request,
    session: SessionDep,
    who: Annotated[Principal, Depends(require("review"))],
    body: proposal.ReviewIn | None = None,
) -> proposal.ApprovedOut:
    """Apply the patch to the current revision (checked again; a path changed since the
    proposal's revision is a 409) and publish it as a new revision with the proposal's note,
    author and reviewer. Nobody approves their own proposal (403)."""
    comment = body.comment if body else ""
    revision = proposals.approve(session, who, proposal_id, comment, client(request))
    row = proposals.get(session, proposal_id)
    return proposal.ApprovedOut(
        proposal=proposal.proposal_out(proposals.describe(session, row)), revision=revision
    )


@router.post("/{proposal_id}/reject", summary="Reject", responses=_errors(401, 403, 404, 409, 422))
def reject(
    proposal_id: ProposalId,
    request: Request,
    session: SessionDep,
    who: Annotated[Principal, Depends(require("review"))],
    body: proposal.ReviewIn | None = None,
) -> proposal.ProposalOut:
    proposals.reject(session, who, proposal_id, body.comment if body else "", client(request))
    return proposal.proposal_out(proposals.describe(session, proposals.get(session, proposal_id)))
