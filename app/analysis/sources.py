"""Which sources match the sources page's filters. Pure: the index and the query in, ids out."""

from app.analysis.index import Index
from app.state import SourceQuery


def find_sources(index: Index, q: SourceQuery) -> list[str]:
    """Ids of the sources matching every filter, in bibliography order. Words match title,
    publisher, author and notes, each word anywhere, ignoring case."""
    words = q.q.casefold().split()
    out = []
    for sid, s in index.sources.items():
        if q.kind is not None and s.kind != q.kind:
            continue
        if q.publisher is not None and s.publisher != q.publisher:
            continue
        if q.year is not None and s.date.first_day.year != q.year:
            continue
        if q.option is not None and not any(
            c.option == q.option for c in index.cited_by.get(sid, [])
        ):
            continue
        text = " ".join((s.title, s.publisher, s.author or "", s.notes)).casefold()
        if all(w in text for w in words):
            out.append(sid)
    return out
