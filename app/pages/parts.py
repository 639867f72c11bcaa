"""Pieces several pages share: the frame every page shows (dossier line, date control), citations,
names next to slugs, and the JSON and CSV parts of stances and sources.

Pure: no FastAPI, no database."""

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from app.analysis.index import Index
from app.dataset import urls
from app.dataset.dates import human
from app.dataset.records import LinkStatus
from app.dataset.schema import Cite, Option, Stance
from app.dataset.vocabulary import position_json
from app.views import models as api
from app.views.verdict import Named


@dataclass(frozen=True)
class PageMeta:
    """The dossier line, citation line and `at=` banner of every page (base.html)."""

    title: str
    question: str
    summary: str
    as_of: dt.date
    licence: str
    revision: int
    at: dt.date | None  # the day the dossier is shown as it stood; None: today
    # On `at`: options not yet proposed that day, left out of the page, as (slug, title, when).
    later: tuple[tuple[str, str, str], ...] = ()
    earliest: dt.date | None = None  # the first day on record: the date control's minimum
    editors: tuple[str, ...] = ()  # who answers for the judgements
    contact: str = ""  # a site path, an http(s) address or an e-mail address

    @property
    def contact_href(self) -> str:
        return f"mailto:{self.contact}" if "@" in self.contact else self.contact


def page_meta(index: Index, revision: int, earliest: dt.date | None = None) -> PageMeta:
    d = index.ds.dossier
    later = tuple((o.slug, o.title, human(o.proposed_on)) for o in index.later)
    return PageMeta(
        d.title,
        d.question,
        d.summary,
        d.as_of,
        d.licence,
        revision,
        index.at,
        later,
        earliest,
        tuple(d.editors),
        d.contact,
    )


@dataclass(frozen=True)
class DateControl:
    """The date form on every page: a plain GET of `at=` that keeps the page's other state in
    hidden fields, so it works without JavaScript."""

    action: str
    keep: tuple[tuple[str, str], ...]  # the page's query without `at`
    value: dt.date  # the day shown
    min: dt.date | None
    max: dt.date
    floor_note: str = ""  # why the minimum is later than the first record, if it is


def date_control(
    action: str,
    pairs: Iterable[tuple[str, str]],
    meta: PageMeta,
    *,
    today: dt.date | None = None,
    floor: tuple[dt.date, str] | None = None,
) -> DateControl:
    """`floor`: a later minimum and its reason, e.g. the day the options shown were proposed."""
    today = today or dt.date.today()
    lo, note = meta.earliest, ""
    if floor is not None and (lo is None or floor[0] > lo):
        lo, note = floor
    return DateControl(
        action=action,
        keep=tuple((k, v) for k, v in pairs if k != "at"),
        value=meta.at or today,
        min=lo,
        max=today,
        floor_note=note,
    )


def proposal_floor(options: Iterable[Option]) -> tuple[dt.date, str] | None:
    """The earliest day on which all `options` had been proposed, said in words."""
    dated = [o for o in options if o.proposed_on is not None]
    if not dated:
        return None
    last = max(dated, key=lambda o: o.proposed_on.first_day if o.proposed_on else dt.date.min)
    assert last.proposed_on is not None
    # One option's own page need not repeat its long title.
    who = "this option" if len(dated) == 1 else last.title
    return (
        last.proposed_on.first_day,
        f"{who} was first proposed on {human(last.proposed_on)}",
    )


@dataclass(frozen=True)
class CitedSource:
    """A source as a citation names it: "NATO, 1949", plus an archived copy if its link died."""

    publisher: str
    year: int
    dead: bool
    archive_url: str | None


Citations = Mapping[str, CitedSource]


def citations(index: Index, links: Mapping[str, LinkStatus]) -> dict[str, CitedSource]:
    # Every source, not just the page's: hypotheses and bars cite stances and conditions too,
    # and resolving a hundred sources costs less than working out which ones a page shows.
    out = {}
    for sid, s in index.sources.items():
        lc = links.get(s.url) if s.url else None
        dead = lc is not None and not lc.ok
        archive = lc.archive_url if lc is not None and dead else None
        out[sid] = CitedSource(s.publisher, s.date.year, dead, archive)
    return out


def names(index: Index, slugs: Iterable[str]) -> tuple[Named, ...]:
    return tuple(Named(s, index.stakeholders[s].name) for s in slugs)


Table = tuple[list[str], list[list[object]]]


class DataTable(Protocol):
    """A table of the data package (app.pages.data) as the pages that offer it name it."""

    @property
    def name(self) -> str: ...  # the file is /data/{name}.csv

    @property
    def header(self) -> list[str]: ...  # header, rows


def cites(cites: Sequence[Cite]) -> str:
    return "; ".join(f"{c.id} ({c.locator})" if c.locator else c.id for c in cites)


def stance(s: Stance, index: Index) -> api.StanceOut:
    return api.StanceOut(
        stakeholder=s.who,
        option=s.option,
        date=s.date,
        date_precision=s.date.precision if s.date else None,
        position=position_json(s.pos),
        summary=s.summary,
        quote=s.quote,
        quote_by=s.quote_by,
        sources=list(s.sources),
        # History lists and the current map hold the same objects.
        current=index.current.get((s.who, s.option)) is s,
        via=s.via if s.signatories else None,
        signatories=s.signatories,
    )


STANCE_HEADER = [
    "stakeholder",
    "option",
    "date",
    "position",
    "current",
    "summary",
    "quote",
    "quote_by",
    "sources",
]


def stance_rows(items: Sequence[api.StanceOut]) -> list[list[object]]:
    return [
        [
            s.stakeholder,
            s.option,
            s.date,
            s.position,
            s.current,
            s.summary,
            s.quote,
            s.quote_by,
            cites(s.sources),
        ]
        for s in items
    ]


def link_check(links: Mapping[str, LinkStatus], url: str | None) -> api.LinkCheckOut | None:
    lc = links.get(url) if url else None
    if lc is None:
        return None
    return api.LinkCheckOut(
        ok=lc.ok,
        status=lc.status,
        error=lc.error,
        final_url=lc.final_url,
        archive_url=lc.archive_url,
        checked_at=lc.checked_at,
    )


def source_fields(index: Index, links: Mapping[str, LinkStatus], sid: str) -> dict[str, object]:
    s = index.sources[sid]
    return {
        "id": s.id,
        "title": s.title,
        "publisher": s.publisher,
        "date": s.date,
        "date_precision": s.date.precision,
        "url": s.url,
        "kind": s.kind,
        "author": s.author,
        "notes": s.notes,
        "cited_by": len(index.cited_by.get(s.id, [])),
        "link": link_check(links, s.url),
        "href": urls.source(s.id),
    }


NoteParts = tuple[tuple[str, str | None], ...]  # (text, link or None)


# An id standing as a word, not inside an address ("/" or "." before it).
SOURCE_ID_RE = re.compile(r"`?(?<![\w/.-])([a-z0-9]+(?:-[a-z0-9]+)+)(?![\w/-])`?")


def note_parts(index: Index, text: str) -> NoteParts:
    """A note as readers see it: another source's id (editors write "(reuters-trump-2025-02-26)")
    becomes a link named by its publisher and date, never the id itself."""
    parts: list[tuple[str, str | None]] = []
    end = 0
    for m in SOURCE_ID_RE.finditer(text):
        source = index.sources.get(m.group(1))
        if source is None:
            continue
        parts.append((text[end : m.start()], None))
        parts.append((f"{source.publisher}, {source.date.human()}", urls.source(source.id)))
        end = m.end()
    parts.append((text[end:], None))
    return tuple(p for p in parts if p[0])
