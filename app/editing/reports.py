"""Readers' error reports in the editors' hands: listed beside the proposals in the review
queue, turned into a proposal (the report keeps a link to it), resolved when that proposal is
published or when a reviewer decides nothing needs changing. Every change of a report's status
is recorded in the audit trail."""

import re
from urllib.parse import urlsplit

from sqlmodel import Session

from app.dataset.records import Principal
from app.editing import accounts
from app.errors import Conflict, NotFound
from app.store import models as m
from app.store import queries
from app.views.report import ReportView

# The pages a report can be about whose subject prefills the proposal form.
_PAGE_RE = re.compile(r"^/(options|stakeholders|sources)/([^/?#]+)$")


def about(page: str) -> tuple[str, str]:
    """What the reported page shows: ("options", slug), ("stakeholders", slug),
    ("sources", id), or ("", "") for any other page."""
    found = _PAGE_RE.match(urlsplit(page).path)
    return (found.group(1), found.group(2)) if found else ("", "")


def view(row: m.Correction) -> ReportView:
    kind, key = about(row.page)
    return ReportView(
        id=row.id or 0,
        page=row.page,
        cell=row.cell,
        text=row.text,
        source_url=row.source_url or "",
        email=row.email or "",
        status=row.status,
        created_at=row.created_at,
        proposal_id=row.proposal_id,
        option=key if kind == "options" else "",
        stakeholder=key if kind == "stakeholders" else "",
        source=key if kind == "sources" else "",
    )


def open_reports(session: Session) -> list[ReportView]:
    """Open reports, oldest first."""
    return [view(r) for r in queries.corrections(session, status="open")]


def get(session: Session, report_id: int) -> m.Correction:
    row = queries.correction(session, id=report_id)
    if row is None:
        raise NotFound(f"There is no reader's report {report_id}.", field="report")
    return row


def usable(session: Session, report_id: int) -> m.Correction:
    """A report a proposal may be made of: open, and without an open proposal already."""
    row = get(session, report_id)
    if row.status != "open":
        raise Conflict(f"Reader's report {report_id} is already {row.status}.")
    if row.proposal_id is not None:
        made = queries.proposal(session, proposal_id=row.proposal_id)
        if made is not None and made.status == "open":
            raise Conflict(
                f"Reader's report {report_id} already has proposal {made.id}, waiting for "
                "review: review that one first."
            )
    return row


def link(
    session: Session, who: Principal, row: m.Correction, proposal_id: int, client: str
) -> None:
    """Record that `proposal_id` was made of the report; committed with the proposal."""
    row.proposal_id = proposal_id
    session.add(row)
    accounts.audit(
        session, who.name, "report-proposed", client, f"report {row.id} -> proposal {proposal_id}"
    )


def resolve_published(session: Session, who: Principal, proposal_id: int, client: str) -> None:
    """The reports behind a published proposal are resolved with it (same transaction)."""
    for row in queries.corrections_of_proposal(session, proposal_id=proposal_id):
        row.status = "resolved"
        session.add(row)
        accounts.audit(
            session,
            who.name,
            "report-resolved",
            client,
            f"report {row.id}: proposal {proposal_id} published",
        )


def resolve(session: Session, who: Principal, report_id: int, client: str) -> None:
    """A reviewer decides a report needs no change (or was handled otherwise)."""
    row = get(session, report_id)
    if row.status != "open":
        raise Conflict(f"Reader's report {report_id} is already {row.status}.")
    row.status = "resolved"
    session.add(row)
    accounts.audit(session, who.name, "report-resolved", client, f"report {report_id}")
    session.commit()
