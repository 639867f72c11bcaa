"""The states of the list pages: the stakeholders page's stances and the sources page, each
with its parser."""

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from app.state.params import BadParam, Params, Vocab, choice, date_value


@dataclass(frozen=True)
class StanceQuery:
    """Filters of the stances API: who, on what, and between which dates (inclusive)."""

    stakeholder: tuple[str, ...] = ()
    option: tuple[str, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None

    def pairs(self) -> list[tuple[str, str]]:
        out = [("stakeholder", s) for s in self.stakeholder]
        out += [("option", o) for o in self.option]
        if self.since:
            out.append(("since", self.since.isoformat()))
        if self.until:
            out.append(("until", self.until.isoformat()))
        return out

    def query(self) -> str:
        return urlencode(self.pairs(), safe=",:")


def parse_stances(items: Iterable[tuple[str, str]], vocab: Vocab) -> StanceQuery:
    p = Params(items)
    p.check_known({"stakeholder", "option", "since", "until"}, ())
    since, until = date_value("since", p.one("since")), date_value("until", p.one("until"))
    if since and until and since > until:
        raise BadParam("since", f"{since} is after until ({until})")
    return StanceQuery(
        stakeholder=tuple(
            sorted(
                {
                    choice("stakeholder", s, vocab.stakeholders, "stakeholder")
                    for s in p.all("stakeholder")
                }
            )
        ),
        option=tuple(
            sorted({choice("option", o, vocab.options, "option") for o in p.all("option")})
        ),
        since=since,
        until=until,
    )


SOURCE_KINDS = ("primary", "secondary")

YEAR_RE = re.compile(r"[0-9]{4}")


@dataclass(frozen=True)
class SourceQuery:
    """Filters of the sources page and its twins: words, the option a source is cited for,
    publisher, kind and year of publication."""

    q: str = ""
    option: str | None = None
    publisher: str | None = None
    kind: str | None = None
    year: int | None = None

    def pairs(self) -> list[tuple[str, str]]:
        out = [("q", self.q)] if self.q else []
        for name in ("option", "publisher", "kind"):
            if (value := getattr(self, name)) is not None:
                out.append((name, value))
        if self.year is not None:
            out.append(("year", str(self.year)))
        return out

    def query(self) -> str:
        return urlencode(self.pairs(), safe=",:")

    def is_filtered(self) -> bool:
        return bool(self.pairs())


def parse_sources(items: Iterable[tuple[str, str]], vocab: Vocab) -> SourceQuery:
    p = Params(items)
    p.check_known({"q", "option", "publisher", "kind", "year", "at"}, ())
    option, publisher, kind, year = (p.one(n) for n in ("option", "publisher", "kind", "year"))
    if year is not None and not YEAR_RE.fullmatch(year):
        raise BadParam("year", f"must be a year written YYYY, not {year!r}")
    return SourceQuery(
        q=" ".join((p.one("q") or "").split()),
        option=choice("option", option, vocab.options, "option") if option else None,
        publisher=choice("publisher", publisher, vocab.publishers, "publisher")
        if publisher
        else None,
        kind=choice("kind", kind, SOURCE_KINDS, "kind") if kind else None,
        year=int(year) if year else None,
    )
