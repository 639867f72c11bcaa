"""The editors' forms: a few common changes (a stance, a score, a condition, a source), each
written as a JSON Patch of the dataset, and what each form requires before it is built."""

import datetime as dt
import re
from typing import Any

from app.dataset.dates import PartialDate
from app.dataset.schema import Dataset
from app.errors import Unprocessable

SOURCE_FIELDS = ("source_url", "source_title", "source_publisher", "source_date", "source_kind")


def _new_source(ds: Dataset, form: dict[str, str]) -> tuple[str, list[Any]]:
    """The id the form's source has, and the patch adding it when it is new."""
    if not any(form.get(f, "").strip() for f in SOURCE_FIELDS):
        return form.get("source_id", "").strip(), []
    base = re.sub(r"[^a-z0-9]+", "-", form.get("source_publisher", "").lower()).strip("-")[:30]
    stem = f"{base or 'source'}-{form.get('source_date', '').strip()}".strip("-")
    taken = {s.id for s in ds.sources}
    new_id, n = stem, 2
    while new_id in taken:
        new_id, n = f"{stem}-{n}", n + 1
    value = {
        "id": new_id,
        "title": form.get("source_title", "").strip(),
        "publisher": form.get("source_publisher", "").strip(),
        "date": form.get("source_date", "").strip(),
        "url": form.get("source_url", "").strip() or None,
        "kind": form.get("source_kind", "").strip(),
    }
    return new_id, [{"op": "add", "path": "/sources/-", "value": value}]


def _as_of(ds: Dataset, day: str) -> list[Any]:
    """Facts dated after the dossier's as_of move it forward to that day."""
    try:
        if dt.date.fromisoformat(day[:10]) > ds.dossier.as_of and len(day) == 10:
            return [{"op": "replace", "path": "/dossier/as_of", "value": day}]
    except ValueError:
        pass  # the dataset's check names the malformed date beside its field
    return []


def _position(raw: str) -> int | str:
    return int(raw) if raw.lstrip("-").isdigit() else raw


def _who(form: dict[str, str]) -> dict[str, Any]:
    """Who took the stance: one stakeholder, or a joint statement's signatories (chosen one by
    one, or every member of a body) with the joint text's name."""
    signatories = [s for s in form.get("signatories", "").split(",") if s.strip()]
    members_of = form.get("members_of", "").strip()
    if not signatories and not members_of:
        return {"stakeholder": form.get("stakeholder", "").strip()}
    joint: dict[str, Any] = (
        {"stakeholders": [s.strip() for s in signatories]}
        if signatories
        else {"members_of": members_of}
    )
    return joint | {"via": form.get("via", "").strip() or None}


def stance_patch(ds: Dataset, option: str, form: dict[str, str]) -> list[Any]:
    """A new dated stance on `option` (of one stakeholder, or a joint statement), about one of
    its routes or all of them, with an existing or a new source."""
    source_id, patch = _new_source(ds, form)
    stance: dict[str, Any] = {
        **_who(form),
        "option": option,
        "route": form.get("route", "").strip() or None,
        "date": form.get("date", "").strip() or None,
        "position": _position(form.get("position", "").strip()),
        "summary": form.get("summary", "").strip(),
    }
    if quote := form.get("quote", "").strip():
        stance["quote"] = quote
        stance["quote_by"] = form.get("quote_by", "").strip() or None
    stance["sources"] = (
        [{"id": source_id, "locator": form.get("locator", "").strip()}] if source_id else []
    )
    patch.append({"op": "add", "path": "/stances/-", "value": stance})
    return patch + _as_of(ds, form.get("date", "").strip())


def score_patch(ds: Dataset, option: str, form: dict[str, str]) -> list[Any]:
    """A score of `option` on one criterion, replacing the one recorded."""
    source_id, patch = _new_source(ds, form)
    index = next(i for i, o in enumerate(ds.options) if o.slug == option)
    criterion = form.get("criterion", "").strip()

    def number(name: str) -> int | str | None:
        raw = form.get(name, "").strip()
        return int(raw) if raw.isdigit() else (raw or None)

    value = {
        "score": number("score"),
        "low": number("low"),
        "high": number("high"),
        "confidence": form.get("confidence", "").strip(),
        "rationale": form.get("rationale", "").strip(),
        "sources": [{"id": source_id, "locator": form.get("locator", "").strip()}]
        if source_id
        else [],
    }
    op = "replace" if criterion in ds.options[index].assessments else "add"
    patch.append({"op": op, "path": f"/options/{index}/assessments/{criterion}", "value": value})
    return patch


def condition_patch(ds: Dataset, option: str, form: dict[str, str]) -> list[Any]:
    """A condition ending on a day (martial law lifted), or in force again (extended: no end
    day), with the source that says so."""
    source_id, patch = _new_source(ds, form)
    slug = form.get("condition", "").strip()
    index = next((i for i, c in enumerate(ds.conditions) if c.slug == slug), None)
    if index is None:
        raise Unprocessable("unknown condition", [("condition", f"unknown condition {slug!r}")])
    until = form.get("until", "").strip()
    op = "replace" if ds.conditions[index].until is not None or until else "add"
    if until or ds.conditions[index].until is not None:
        patch.append({"op": op, "path": f"/conditions/{index}/until", "value": until or None})
    if source_id:
        cite = {"id": source_id, "locator": form.get("locator", "").strip()}
        patch.append({"op": "add", "path": f"/conditions/{index}/sources/-", "value": cite})
    return patch + _as_of(ds, until)


def source_patch(ds: Dataset, option: str, form: dict[str, str]) -> list[Any]:
    """A new source, for later proposals to cite."""
    return _new_source(ds, form)[1]


FORMS = {
    "stance": stance_patch,
    "score": score_patch,
    "condition": condition_patch,
    "source": source_patch,
}
# What each form cannot do without, and its date fields: checked before a patch is built, so
# that the message sits beside the field (the dataset's check names the stance, not the field).
REQUIRED = {
    "stance": ("position", "date"),
    "score": ("criterion", "score", "confidence", "rationale"),
    "condition": ("condition",),
    "source": ("source_url", "source_title", "source_publisher", "source_date", "source_kind"),
}
DATE_FIELDS = ("date", "source_date", "until")


def form_problems(kind: str, form: dict[str, str]) -> list[tuple[str, str]]:
    out = [(f, "is required") for f in REQUIRED.get(kind, ()) if not form.get(f, "").strip()]
    if kind == "stance":
        given = [n for n in ("stakeholder", "signatories", "members_of") if form.get(n, "").strip()]
        if len(given) != 1:
            out.append(
                (
                    "stakeholder",
                    "choose one stakeholder, or a joint statement's signatories, or a body "
                    "all of whose members signed it: exactly one of the three",
                )
            )
    for name in DATE_FIELDS:
        if value := form.get(name, "").strip():
            try:
                PartialDate.parse(value)
            except ValueError as exc:
                out.append((name, str(exc)))
    return out


def form_field(path: str) -> str:
    """The form field a problem at `path` belongs beside (`/sources/9/url` -> source_url)."""
    if not path.startswith("/"):
        return path  # a form field already (form_problems), or note, comment, patch
    parts = path.strip("/").split("/")
    if parts[0] == "sources" and len(parts) > 2:
        return "source_" + parts[2]
    if parts[0] == "dossier":
        return "date"
    if parts[0] == "conditions" and len(parts) > 2:
        return {"until": "until", "sources": "source_id"}.get(parts[2], "condition")
    if parts[0] == "stances" and len(parts) > 2:
        named = {"stakeholders": "signatories", "sources": "source_id"}
        return named.get(parts[2], parts[2])
    if parts[0] == "options" and len(parts) > 4:
        return "source_id" if parts[4] == "sources" else parts[4]
    return "general"
