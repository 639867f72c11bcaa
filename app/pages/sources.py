"""The sources page, `/sources`: the bibliography, filtered, with link checks and disputes; its JSON
twin and CSV.

Pure: no FastAPI, no database."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from app.analysis.index import Index
from app.analysis.sources import find_sources
from app.dataset.records import LinkStatus
from app.dataset.schema import (
    Dispute,
)
from app.pages.parts import (
    CitedSource,
    DataTable,
    NoteParts,
    Table,
    citations,
    note_parts,
    source_fields,
)
from app.state import SourceQuery
from app.views import models as api


@dataclass(frozen=True)
class SourcesPage:
    q: SourceQuery
    json: api.SourceList  # the bibliography itself, link checks included
    data_tables: tuple[DataTable, ...]  # the data package's tables, offered for download
    checked: bool  # any link was ever checked
    disputes: tuple[Dispute, ...]
    cited: dict[str, CitedSource]
    # Each source's notes with the ids of other sources turned into links (note_parts).
    notes: dict[str, NoteParts] = field(default_factory=dict)
    # The filter form's choices: (slug, title) of options, publishers, years newest first.
    options: tuple[tuple[str, str], ...] = ()
    publishers: tuple[str, ...] = ()
    years: tuple[int, ...] = ()


def build(
    index: Index,
    links: Mapping[str, LinkStatus],
    q: SourceQuery,
    publishers: tuple[str, ...],
    data_tables: tuple[DataTable, ...],
) -> SourcesPage:
    return SourcesPage(
        q,
        sources(index, links, q),
        data_tables,
        bool(links),
        tuple(index.ds.disputes),
        citations(index, links),
        notes={sid: note_parts(index, src.notes) for sid, src in index.sources.items()},
        options=tuple((o.slug, o.title) for o in index.options.values()),
        publishers=publishers,
        years=tuple(sorted({s.date.first_day.year for s in index.sources.values()}, reverse=True)),
    )


def sources(
    index: Index, links: Mapping[str, LinkStatus], q: SourceQuery | None = None
) -> api.SourceList:
    q = q or SourceQuery()
    found = find_sources(index, q)
    return api.SourceList(
        query=q.query(),
        count=len(found),
        total=len(index.sources),
        sources=[
            api.SourceSummary.model_validate(source_fields(index, links, sid)) for sid in found
        ],
    )


def sources_table(result: api.SourceList) -> Table:
    header = [
        "id",
        "title",
        "publisher",
        "date",
        "kind",
        "author",
        "url",
        "cited_by",
        "link_ok",
        "link_status",
        "link_checked_at",
    ]
    rows: list[list[object]] = [
        [s.id, s.title, s.publisher, s.date, s.kind, s.author, s.url, s.cited_by]
        + (
            [s.link.ok, s.link.status, s.link.checked_at.isoformat()]
            if s.link
            else [None, None, None]
        )
        for s in result.sources
    ]
    return header, rows
