"""A comparison snapshot's diff against another, and the snapshot as CSV rows.

Pure functions over snapshots (app.analysis.snapshot): no FastAPI, no database, no I/O.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from app.analysis.snapshot import CiteRef, HurdleRow, Row, ScoreRow, Snapshot, StanceRow

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


def _cites(sources: Sequence[CiteRef]) -> str:
    return "; ".join(s.label for s in sources)


def snapshot_table(snapshot: Snapshot) -> list[list[str]]:
    """The snapshot as CSV rows: section, row, then one column per option."""
    titles = [o.title for o in snapshot.options]
    pad = [""] * (len(titles) - 1)
    out = [["section", "row", *titles]]
    d = snapshot.dossier
    out.append(["dataset", "title", d.title, *pad])
    out.append(["dataset", "revision", str(snapshot.revision), *pad])
    out.append(["dataset", "as of", d.as_of, *pad])
    out.append(["dataset", "comparison", snapshot.query, *pad])
    for a in snapshot.assume:
        out.append(["hypothetical", a.name, f"assumed: {a.label}", *pad])
    for w in snapshot.weights:
        out.append(["weight", w.title, str(w.weight), *pad])
    for row in snapshot.rows:
        out.append([row.group, row.label, *(c.value for c in row.cells)])
        if isinstance(row, ScoreRow):
            out.append([row.group, f"{row.label}: rationale", *(c.rationale for c in row.cells)])
        if isinstance(row, ScoreRow | StanceRow):
            out.append(
                [row.group, f"{row.label}: sources", *(_cites(c.sources) for c in row.cells)]
            )
        if isinstance(row, HurdleRow):
            out.append(
                [
                    row.group,
                    "Legal hurdles: sources",
                    *(_cites([s for h in c.hurdles for s in h.sources]) for c in row.cells),
                ]
            )
    r = snapshot.ranking
    by_slug = {x.slug: x for x in r.ranked}
    slugs = [o.slug for o in snapshot.options]
    if r.ranked:
        out.append(["ranking", "weighted score", *(by_slug[s].score_text for s in slugs)])
        out.append(["ranking", "rank", *(str(by_slug[s].rank or "") for s in slugs)])
    else:
        out.append(["ranking", "message", r.message or "", *pad])
    if r.sensitivity:
        out.append(["ranking", "sensitivity", r.sensitivity, *pad])
    out.append(["licence", "licence", d.licence, *pad])
    for s in snapshot.sources:
        text = f"{s.title}, {s.publisher}, {s.date} ({s.kind})"
        out.append(["sources", s.id, text + (f" {s.url}" if s.url else ""), *pad])
    return out
