"""A comparison snapshot's diff against another, and the snapshot as CSV rows.

Pure functions over snapshots (app.analysis.snapshot): no FastAPI, no database, no I/O.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from app.analysis.snapshot import (
    CiteRef,
    HurdleRow,
    Row,
    ScoreRow,
    Snapshot,
    StanceRow,
    VetoRow,
)

# --- diff ----------------------------------------------------------------------------------


Trend = Literal["better", "worse", "changed"]


@dataclass(frozen=True)
class CellChange:
    group: str
    row: str  # the row's label, e.g. "Cost" or "The mayor"
    option: str  # the option's title
    old: str
    new: str
    # A score moving the way its criterion calls better or worse; everything else (stances,
    # ranges, hurdles, veto status) only "changed": a new value is not good news by itself.
    trend: Trend = "changed"


def diff_snapshots(old: Snapshot, new: Snapshot) -> list[CellChange]:
    """Every cell whose value differs between two snapshots of the same state, in the old
    table's order; rows that appeared or vanished count as changes from or to "—"."""
    new_rows = {r.key: r for r in new.rows}
    old_keys = {r.key for r in old.rows}
    new_slugs = [o.slug for o in new.options]
    rows = [*old.rows, *(r for r in new.rows if r.key not in old_keys)]
    changes: list[CellChange] = []
    for i, opt in enumerate(old.options):
        j = new_slugs.index(opt.slug) if opt.slug in new_slugs else None
        for row in rows:
            before = _cell_value(row if row.key in old_keys else None, i)
            after = _cell_value(new_rows.get(row.key), j)
            if before != after:
                trend = _trend(row, new_rows.get(row.key), i, j)
                changes.append(CellChange(row.group, row.label, opt.title, before, after, trend))
    return changes


def _trend(old: Row, new: Row | None, i: int, j: int | None) -> Trend:
    """Better or worse by the criterion's direction, when both cells hold a score."""
    if not isinstance(old, ScoreRow) or not isinstance(new, ScoreRow) or j is None:
        return "changed"
    if i >= len(old.cells) or j >= len(new.cells):
        return "changed"
    before, after = old.cells[i].score, new.cells[j].score
    if before is None or after is None or before == after:
        return "changed"
    higher = after > before
    return "worse" if higher == new.lower_is_better else "better"


def _cell_value(row: Row | None, i: int | None) -> str:
    if row is None or i is None or i >= len(row.cells):
        return "—"
    return row.cells[i].value


# --- export --------------------------------------------------------------------------------

# One row per fact, one typed column per kind of value: numbers stay numbers (a score, its
# range, a stance's position, a weight, a rank, a chance) and the words a reader sees go in
# `label` and `value`. Cells that do not apply are empty.
LONG_HEADER = [
    "section",
    "key",
    "row",
    "option",
    "option_title",
    "score",
    "low",
    "high",
    "confidence",
    "position",
    "date",
    "number",
    "label",
    "value",
    "text",
    "sources",
]
_COLUMN = {name: i for i, name in enumerate(LONG_HEADER)}


def long_row(section: str, key: str, row: str, **values: object) -> list[object]:
    """A row of the long table: the named columns set, the others empty."""
    out: list[object] = [section, key, row] + [None] * (len(LONG_HEADER) - 3)
    for name, value in values.items():
        out[_COLUMN[name]] = value
    return out


def _ids(sources: Sequence[CiteRef]) -> str:
    return "; ".join(dict.fromkeys(s.id for s in sources))


def _cells(row: Row, slug: str, title: str, i: int) -> list[object]:
    """One option's cell of a snapshot row, its numbers split from its words."""
    base = {"option": slug, "option_title": title}
    key, group, label = row.key, row.group, row.label
    if isinstance(row, ScoreRow):
        c = row.cells[i]
        return long_row(
            group, key, label, **base, score=c.score, low=c.low, high=c.high,
            confidence=c.confidence, label=c.label, value=c.value, text=c.rationale,
            sources=_ids(c.sources),
        )  # fmt: skip
    if isinstance(row, StanceRow):
        s = row.cells[i]
        return long_row(
            group, key, label, **base, position=s.position if s.position != "unknown" else None,
            date=s.date, label=s.label, value=s.value, text=s.summary, sources=_ids(s.sources),
        )  # fmt: skip
    if isinstance(row, HurdleRow):
        h = row.cells[i]
        worst = max((x.severity for x in h.hurdles), default=None)
        sources = _ids([s for x in h.hurdles for s in x.sources])
        return long_row(group, key, label, **base, number=worst, value=h.value, sources=sources)
    if isinstance(row, VetoRow):
        v = row.cells[i]
        return long_row(
            group, key, label, **base, label=v.status.value, value=v.value, text=v.reason
        )
    return long_row(group, key, label, **base, value=row.cells[i].value)


def snapshot_table(snapshot: Snapshot) -> list[list[object]]:
    """The snapshot as a long table (LONG_HEADER, then rows): the dataset and the state first,
    then one row per option and table row, the ranking, the licence and the sources."""
    d = snapshot.dossier
    out: list[list[object]] = [list(LONG_HEADER)]
    out.append(long_row("dataset", "title", "title", value=d.title))
    out.append(long_row("dataset", "revision", "revision", number=snapshot.revision))
    out.append(long_row("dataset", "as_of", "as of", date=d.as_of))
    out.append(long_row("dataset", "comparison", "comparison", value=snapshot.query))
    for a in snapshot.assume:
        pos = a.position if a.position != "unknown" else None
        value = f"assumed: {a.label}"
        out.append(long_row("hypothetical", a.stakeholder, a.name, position=pos, value=value))
    for w in snapshot.weights:
        out.append(long_row("weight", w.slug, w.title, number=w.weight))
    options = [(o.slug, o.title) for o in snapshot.options]
    for row in snapshot.rows:
        out.extend(_cells(row, slug, title, i) for i, (slug, title) in enumerate(options))
    r = snapshot.ranking
    by_slug = {x.slug: x for x in r.ranked}
    for slug, title in options if r.ranked else []:
        x = by_slug[slug]
        out.append(
            long_row(
                "ranking", "weighted_score", "weighted score", option=slug, option_title=title,
                number=None if x.score is None else round(x.score, 4), value=x.score_text,
            )
        )  # fmt: skip
        out.append(
            long_row("ranking", "rank", "rank", option=slug, option_title=title, number=x.rank)
        )
    if not r.ranked:
        out.append(long_row("ranking", "message", "message", value=r.message or ""))
    if r.sensitivity:
        out.append(long_row("ranking", "sensitivity", "sensitivity", value=r.sensitivity))
    out.append(long_row("licence", "licence", "licence", value=d.licence))
    for s in snapshot.sources:
        out.append(
            long_row(
                "sources", s.id, s.title, date=s.date, label=s.kind, value=s.url, text=s.publisher
            )
        )
    return out
