"""The "Report an error" form: what a reader sends, checked field by field.

Pure: no FastAPI, no database. The route stores what `check_report` accepts."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from app.dataset.schema import EMAIL_RE
from app.dataset.text import text_problem

# The form's fields, with the longest value each takes (characters).
LIMITS = {"page": 500, "cell": 200, "text": 5000, "source_url": 1000, "email": 254}
MIN_TEXT = 10  # "wrong" says nothing an editor can check
TRAP = "website"  # the spam trap: hidden from people, filled in by form-filling robots


@dataclass(frozen=True)
class ReportForm:
    """The form's values as sent (kept when it is shown again) and what is wrong with them."""

    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    trapped: bool = False  # the spam trap was filled: store nothing, answer as if stored

    def get(self, name: str) -> str:
        return self.values.get(name, "")


def site_path(page: str) -> bool:
    """A page of this site: a path (with its query), never another host."""
    parts = urlsplit(page)
    return page.startswith("/") and not page.startswith("//") and not parts.netloc


def check_report(items: Iterable[tuple[str, str]]) -> ReportForm:
    sent = dict(items)
    values = {name: sent.get(name, "").strip() for name in LIMITS}
    errors: dict[str, str] = {}
    for name, limit in LIMITS.items():
        problem = text_problem(values[name])
        if problem:
            errors[name] = problem
        elif len(values[name]) > limit:
            errors[name] = f"is {len(values[name])} characters long; at most {limit}"
    if "page" not in errors and not site_path(values["page"]):
        errors["page"] = "must be the address of a page of this site, starting with /"
    if "text" not in errors and len(values["text"]) < MIN_TEXT:
        errors["text"] = f"say what is wrong, in at least {MIN_TEXT} characters"
    url = values["source_url"]
    if url and "source_url" not in errors:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            errors["source_url"] = "must be an http:// or https:// address, or left empty"
    email = values["email"]
    if email and "email" not in errors and EMAIL_RE.fullmatch(email) is None:
        errors["email"] = "must be an e-mail address such as name@example.org, or left empty"
    return ReportForm(values, errors, trapped=bool(sent.get(TRAP, "").strip()))


@dataclass(frozen=True)
class ReportView:
    """A reader's report as the editors' queue and the proposal form show it."""

    id: int
    page: str
    cell: str
    text: str
    source_url: str
    email: str
    status: str
    created_at: dt.datetime
    proposal_id: int | None
    # What the reported page is about (empty when it is none of these): it prefills the form.
    option: str = ""
    stakeholder: str = ""
    source: str = ""
