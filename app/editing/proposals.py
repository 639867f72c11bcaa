"""Proposed changes: a JSON Patch (RFC 6902) against one revision's dataset, checked by the
rules of `explorer check`, reviewed by someone else, and published as a new revision through
the same code as `explorer load`. Bad input is refused before anything is written."""

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import jsonpatch
import jsonpointer
from sqlmodel import Session

from app.analysis.changes import proposed_changes
from app.dataset.check import validate_data
from app.dataset.problems import Problem
from app.dataset.records import Principal
from app.dataset.schema import Dataset
from app.dataset.text import text_problem
from app.editing import accounts, reports
from app.errors import Conflict, Forbidden, NotFound, Unprocessable
from app.store import models as m
from app.store import queries
from app.store.load import import_dataset
from app.views.proposal import Preview, ProposalView

MAX_TEXT = 4000  # characters in one value of a patch (the longest rationale is ~1,500)
MAX_NOTE = 2000
MAX_OPS = 100
# Markup in dataset text: readers' pages escape it, but it has no place in the facts, and the
# feed and exports would carry it to other readers.
MARKUP_RE = re.compile(r"<\s*[a-zA-Z/!?]|&#?[a-zA-Z0-9]+;|javascript:", re.IGNORECASE)


def pointer(path: tuple[str | int, ...]) -> str:
    """A Problem's path as a JSON Pointer (`/stances/12/date`)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def text_problems(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """What is wrong with the text in one value of a patch: control characters, markup, size."""
    if isinstance(value, str):
        if bad := text_problem(value):
            yield path, bad
        elif MARKUP_RE.search(value):
            yield path, "contains markup (HTML tags, entities or a script link); write plain text"
        if len(value) > MAX_TEXT:
            yield path, f"is {len(value):,} characters long; at most {MAX_TEXT:,} are allowed"
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from text_problems(str(k), f"{path}/{k}")
            yield from text_problems(v, f"{path}/{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from text_problems(v, f"{path}/{i}")


def check_note(note: str) -> list[tuple[str, str]]:
    out = list(text_problems(note, "note"))
    if not note.strip():
        out.append(("note", "is required: say what the change is and why"))
    if len(note) > MAX_NOTE:
        out = [p for p in out if "characters long" not in p[1]]
        out.append(("note", f"is {len(note):,} characters long; at most {MAX_NOTE:,} are allowed"))
    return out


def _apply(content: dict[str, Any], patch: list[Any]) -> dict[str, Any]:
    try:
        result = jsonpatch.JsonPatch(patch).apply(content, in_place=False)
    except jsonpatch.JsonPatchTestFailed as exc:
        raise Unprocessable(
            f"patch: a test operation failed: {exc}", [("patch", str(exc))]
        ) from exc
    except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException) as exc:
        raise Unprocessable(f"patch: {exc}", [("patch", str(exc))]) from exc
    except (TypeError, AttributeError, KeyError, IndexError, ValueError) as exc:
        raise Unprocessable(
            f"patch: not a valid JSON Patch ({exc})", [("patch", str(exc))]
        ) from exc
    if not isinstance(result, dict):
        raise Unprocessable("patch: the dataset must stay a mapping", [("patch", "")])
    return result


def checked(content: dict[str, Any], patch: list[Any], today: dt.date) -> Dataset:
    """`content` patched, if the result passes `explorer check`; else Unprocessable naming
    every failing path and field."""
    if not isinstance(patch, list) or not patch:
        raise Unprocessable("patch: give at least one operation", [("patch", "is empty")])
    if len(patch) > MAX_OPS:
        raise Unprocessable(f"patch: at most {MAX_OPS} operations", [("patch", "too long")])
    problems: list[tuple[str, str]] = []
    for i, op in enumerate(patch):
        if isinstance(op, dict) and "value" in op:
            where = str(op.get("path", f"patch/{i}"))
            problems.extend(text_problems(op["value"], where))
    if problems:
        raise _refused(problems)
    patched = _apply(content, patch)
    ds, found = validate_data(patched)
    if ds is not None and ds.dossier.as_of > today:
        found = [Problem(("dossier", "as_of"), f"{ds.dossier.as_of} is in the future")]
    if ds is None or found:
        raise _refused([(pointer(p.path), p.message) for p in found])
    if patched == content:
        raise Unprocessable("patch: it changes nothing", [("patch", "changes nothing")])
    return ds


def _refused(problems: list[tuple[str, str]]) -> Unprocessable:
    first = "; ".join(f"{path}: {msg}" for path, msg in problems[:3])
    more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
    return Unprocessable(f"The change would not pass the dataset's checks: {first}{more}", problems)


def preview(base: Dataset, new: Dataset, base_revision: int) -> Preview:
    changes, verdicts = proposed_changes(base, new, base_revision)
    return Preview(changes, verdicts)


def _content(session: Session, revision: int) -> dict[str, Any]:
    content = queries.revision_content(session, revision=revision)
    if content is None:
        raise Unprocessable(
            f"base_revision: there is no revision {revision}", [("base_revision", "unknown")]
        )
    return dict(content)


def propose(
    session: Session,
    who: Principal,
    base_revision: int,
    note: str,
    patch: list[Any],
    client: str,
    report_id: int | None = None,
) -> m.Proposal:
    """Check and store a proposal (made of reader's report `report_id`, if given, which then
    links to it); nothing is stored when any check fails."""
    report = reports.usable(session, report_id) if report_id is not None else None
    if problems := check_note(note):
        raise _refused(problems)
    content = _content(session, base_revision)
    checked(content, patch, dt.date.today())
    row = m.Proposal(
        base_revision=base_revision,
        note=note.strip(),
        patch=patch,
        author_id=who.user_id,
        created_at=accounts.now(),
    )
    session.add(row)
    session.flush()
    accounts.audit(session, who.name, "proposal", client, f"proposal {row.id}: {note[:200]}")
    if report is not None and row.id is not None:
        reports.link(session, who, report, row.id, client)
    session.commit()
    return row


def get(session: Session, proposal_id: int) -> m.Proposal:
    row = queries.proposal(session, proposal_id=proposal_id)
    if row is None:
        raise NotFound(f"There is no proposal {proposal_id}.", field="id")
    return row


def _value(doc: Any, path: str) -> tuple[bool, Any]:
    try:
        return True, jsonpointer.resolve_pointer(doc, path)
    except jsonpointer.JsonPointerException:
        return False, None


def conflicts(base: dict[str, Any], current: dict[str, Any], patch: list[Any]) -> list[str]:
    """The paths the patch touches that changed between its base and the current revision.
    Appending to a list (`/-`) touches nothing that was there."""
    out: list[str] = []
    for op in patch:
        path = str(op.get("path", ""))
        if op.get("op") == "add" and path.endswith("/-"):
            continue
        if _value(base, path) != _value(current, path):
            out.append(path)
    return out


def approve(session: Session, who: Principal, proposal_id: int, comment: str, client: str) -> int:
    """Apply the proposal to the current revision and publish it; the new revision number."""
    row = _reviewable(session, who, proposal_id, comment)
    current = queries.current_revision(session)
    assert current is not None  # a proposal has a base revision
    base = _content(session, row.base_revision)
    now_content = _content(session, current.number)
    if current.number != row.base_revision and (clash := conflicts(base, now_content, row.patch)):
        raise Conflict(
            f"Revision {current.number} changed {', '.join(clash)} since this proposal's "
            f"revision {row.base_revision}. It cannot be applied as it is: reject it, and "
            "propose the change again against the current revision."
        )
    ds = checked(now_content, row.patch, dt.date.today())
    author = queries.user_names(session, ids={row.author_id}).get(row.author_id, "")

    def publish(tx: Session, revision: int) -> None:
        fresh = queries.proposal(tx, proposal_id=proposal_id)
        if fresh is not None:
            tx.refresh(fresh)  # read it again under the load's lock
        if fresh is None or fresh.status != "open":
            raise Conflict(f"Proposal {proposal_id} was reviewed meanwhile.")
        if queries.revision_before(tx, revision=revision) != current.number:
            # Another revision landed while this one was checked: what was checked is stale.
            raise Conflict(
                f"The dataset changed while proposal {proposal_id} was being approved. "
                "Approve it again: it will be checked against the new revision."
            )
        fresh.status, fresh.reviewer_id = "approved", who.user_id
        fresh.reviewed_at, fresh.comment = accounts.now(), comment.strip()
        fresh.published_revision = revision
        tx.add(fresh)
        accounts.audit(tx, who.name, "approve", client, f"proposal {proposal_id}")
        accounts.audit(tx, who.name, "publish", client, f"revision {revision}: {row.note[:200]}")
        reports.resolve_published(tx, who, proposal_id, client)

    result = import_dataset(
        session, ds, note=row.note, author=author, reviewer=who.name, on_publish=publish
    )
    if not result.changed:
        raise Conflict("The current revision already holds this change; reject the proposal.")
    return result.revision


def reject(session: Session, who: Principal, proposal_id: int, comment: str, client: str) -> None:
    row = _reviewable(session, who, proposal_id, comment)
    row.status, row.reviewer_id = "rejected", who.user_id
    row.reviewed_at, row.comment = accounts.now(), comment.strip()
    session.add(row)
    accounts.audit(session, who.name, "reject", client, f"proposal {proposal_id}")
    session.commit()


def _reviewable(session: Session, who: Principal, proposal_id: int, comment: str) -> m.Proposal:
    row = get(session, proposal_id)
    if row.author_id == who.user_id:
        raise Forbidden("Nobody reviews their own proposal: another reviewer must.")
    if row.status != "open":
        raise Conflict(f"Proposal {proposal_id} is already {row.status}.")
    problems = list(text_problems(comment, "comment"))
    if len(comment) > MAX_NOTE:
        problems.append(("comment", f"at most {MAX_NOTE:,} characters"))
    if problems:
        raise _refused(problems)
    return row


def describe(session: Session, row: m.Proposal) -> ProposalView:
    names = queries.user_names(session, ids={row.author_id, row.reviewer_id or 0})
    base = _content(session, row.base_revision)
    problem, shown = "", None
    try:
        new = checked(base, row.patch, dt.date.max)
        shown = preview(Dataset.model_validate(base), new, row.base_revision)
    except Unprocessable as exc:
        problem = exc.message
    return ProposalView(
        id=row.id or 0,
        status=row.status,
        base_revision=row.base_revision,
        note=row.note,
        author=names.get(row.author_id, ""),
        reviewer=names.get(row.reviewer_id or 0, ""),
        comment=row.comment,
        created_at=row.created_at,
        reviewed_at=row.reviewed_at,
        published_revision=row.published_revision,
        patch=row.patch,
        preview=shown,
        problem=problem,
    )
