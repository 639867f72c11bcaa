"""The comparison as one typed snapshot (app.analysis.snapshot). Its weighted ranking is built
in app.analysis.ranking; the diff between two snapshots and the CSV rows, in
app.analysis.snapshot_table (both also importable from here).

The compare page, the permalink page and the CSV/JSON exports all render from the snapshot
built here, so a permanent link looks the same forever, whatever the data becomes.

Pure functions: no FastAPI, no database, no I/O.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from app.analysis.index import Index, veto_for
from app.analysis.labels import (
    POSITION_LABELS,
    POSITION_SYMBOLS,
    UNCERTAIN_LABELS,
)
from app.analysis.ranking import weighted_ranking
from app.analysis.scores import FORMULA
from app.analysis.snapshot import (
    SNAPSHOT_VERSION,
    Ranking,
    Snapshot,
    SnapshotWeight,
)
from app.analysis.snapshot_table import CellChange as CellChange
from app.analysis.snapshot_table import diff_snapshots as diff_snapshots
from app.analysis.snapshot_table import snapshot_table as snapshot_table
from app.analysis.veto import VetoAnalysis
from app.analysis.veto_text import while_text
from app.dataset.hypotheses import Hypothesis, assumed_positions
from app.dataset.schema import Cite, Option
from app.dataset.vocabulary import position_json
from app.state import CompareState

GROUPS = (
    ("overview", "Overview"),
    ("criteria", "Assessment"),
    ("hurdles", "Legal hurdles"),
    ("veto", "Decision path and veto"),
    ("stances", "Stances"),
)


def _words(slug: str) -> str:
    return slug.replace("-", " ")


def _attr_text(value: object, unit: str | None) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return f"{value} {unit}" if unit else str(value)


class _Sources:
    """Collects the sources the snapshot cites, in first-cited order."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self.seen: dict[str, None] = {}

    def cites(self, cites: Sequence[Cite]) -> list[dict[str, str]]:
        out = []
        for c in cites:
            self.seen.setdefault(c.id)
            src = self.index.sources.get(c.id)
            label = f"{src.publisher}, {src.date.year}" if src else c.id
            if c.locator:
                label += f", {c.locator}"
            out.append({"id": c.id, "label": label, "href": f"/sources/{c.id}"})
        return out

    def bibliography(self) -> list[dict[str, Any]]:
        out = []
        for sid in self.seen:
            s = self.index.sources.get(sid)
            if s is not None:
                out.append(
                    {
                        "id": s.id,
                        "title": s.title,
                        "publisher": s.publisher,
                        "date": str(s.date),
                        "url": s.url,
                        "kind": s.kind,
                    }
                )
        return out


def _row(
    key: str, group: str, label: str, kind: str, cells: list[dict[str, Any]], **extra: Any
) -> dict[str, Any]:
    same = len({c["value"] for c in cells}) <= 1
    return {
        "key": key,
        "group": group,
        "label": label,
        "kind": kind,
        "same": same,
        "cells": cells,
        **extra,
    }


def _overview_rows(index: Index, opts: Sequence[Option]) -> list[dict[str, Any]]:
    rows = [
        _row(
            "category",
            "overview",
            "Category",
            "text",
            [{"value": _words(o.category)} for o in opts],
        ),
        _row("status", "overview", "Status", "text", [{"value": _words(o.status)} for o in opts]),
    ]
    for a in index.ds.attributes:
        if any(a.slug in o.attributes for o in opts):
            cells = [
                {
                    "value": _attr_text(o.attributes[a.slug], a.unit)
                    if a.slug in o.attributes
                    else "—"
                }
                for o in opts
            ]
            rows.append(_row(f"attr:{a.slug}", "overview", a.title, "text", cells))
    return rows


def _criterion_rows(index: Index, opts: Sequence[Option], src: _Sources) -> list[dict[str, Any]]:
    rows = []
    for c in index.ds.criteria:
        cells: list[dict[str, object]] = []
        for o in opts:
            a = o.assessments.get(c.slug)
            if a is None:
                cells.append({"value": "not assessed", "score": None})
                continue
            low, high = a.range
            value = f"{a.score}/5 {c.scale[a.score]}"
            if (low, high) != (a.score, a.score):
                value += f" (range {low}–{high})"
            cell: dict[str, object] = {
                "value": value,
                "score": a.score,
                "label": c.scale[a.score],
                "low": low,
                "high": high,
                "ranged": (low, high) != (a.score, a.score),
                "confidence": a.confidence,
                "rationale": a.rationale,
                "sources": src.cites(a.sources),
            }
            cells.append(cell)
        rows.append(
            _row(
                f"score:{c.slug}",
                "criteria",
                c.title,
                "score",
                cells,
                lower_is_better=c.direction == "lower-is-better",
            )
        )
    return rows


def _hurdle_rows(opts: Sequence[Option], src: _Sources) -> list[dict[str, Any]]:
    cells = []
    for o in opts:
        hurdles = [
            {
                "instrument": h.instrument,
                "requires": h.requires,
                "severity": h.severity,
                "sources": src.cites(h.sources),
            }
            for h in o.hurdles
        ]
        value = "; ".join(f"{h['instrument']} (severity {h['severity']}/5)" for h in hurdles)
        cells.append({"value": value or "none recorded", "hurdles": hurdles})
    return [_row("hurdles", "hurdles", "Legal hurdles", "hurdles", cells)]


def _veto_rows(
    index: Index, opts: Sequence[Option], assume: Sequence[Hypothesis]
) -> list[dict[str, Any]]:
    def name(slug: str) -> str:
        who = index.stakeholders.get(slug)
        return who.name if who else slug

    status_cells, path_cells = [], []
    for o in opts:
        v = veto_for(index, o.slug, assume)
        blockers = [name(b.stakeholder) for b in v.blockers]
        uncertain = [name(u) for u in v.uncertain]
        value = v.status.label
        several = len(v.routes) > 1
        if several:
            value += f" by {v.route_title}"
        barred = while_text(v.bars) if v.status == "barred" else ""
        if barred:
            value += f" {barred}"
        if blockers:
            value += f" (blockers: {', '.join(blockers)})"
        elif v.uncertain_kind:
            value += f" ({UNCERTAIN_LABELS[v.uncertain_kind]})"
        status_cells.append(
            {
                "value": value,
                "status": v.status,
                "label": v.status.label,
                "symbol": v.status.symbol,
                "blockers": blockers,
                "uncertain": uncertain,
                "reason": v.reason,
                "hypothetical": v.hypothetical,
                "route": v.route_title if several else "",
                "why": UNCERTAIN_LABELS[v.uncertain_kind] if v.uncertain_kind else "",
                "barred": barred,
            }
        )
        routes = [
            {"title": r.route_title, "status": r.status, "steps": _path_steps(r)} for r in v.routes
        ]
        steps = _path_steps(v)
        path_value = " → ".join(f"{s['title']}: {s['status']}" for s in steps)
        if several:
            path_value = "; or ".join(
                f"{r.route_title} ({r.status}): "
                + " → ".join(f"{s.title}: {s.status}" for s in r.steps)
                for r in v.routes
            )
        path_cells.append(
            {"value": path_value or "no decision step recorded", "steps": steps, "routes": routes}
        )
    return [
        _row("veto", "veto", "Veto status", "veto", status_cells),
        _row("path", "veto", "Decision path", "path", path_cells),
    ]


def _path_steps(v: VetoAnalysis) -> list[dict[str, Any]]:
    return [
        {"title": s.title, "rule": _words(s.rule), "status": s.status, "action": s.action}
        for s in v.steps
    ]


def _stance_rows(
    index: Index, opts: Sequence[Option], assume: Mapping[str, int | None], src: _Sources
) -> list[dict[str, Any]]:
    rows = []
    for who in index.stakeholders.values():
        if who.slug not in assume and not any((who.slug, o.slug) in index.history for o in opts):
            continue
        cells = []
        for o in opts:
            if who.slug in assume:
                pos = assume[who.slug]
                cells.append(
                    {
                        "value": f"{POSITION_SYMBOLS[pos]} {POSITION_LABELS[pos]} (hypothetical)",
                        "recorded": True,
                        "position": position_json(pos),
                        "symbol": POSITION_SYMBOLS[pos],
                        "label": POSITION_LABELS[pos],
                        "date": None,
                        "summary": "Assumed for this comparison; not a recorded stance.",
                        "sources": [],
                        "hypothetical": True,
                    }
                )
                continue
            s = index.current.get((who.slug, o.slug))
            if s is None:
                cells.append({"value": "no stance recorded", "recorded": False})
                continue
            pos = s.pos
            date = str(s.date) if s.date else None
            cells.append(
                {
                    "value": f"{POSITION_SYMBOLS[pos]} {POSITION_LABELS[pos]}"
                    + (f" ({date})" if date else ""),
                    "recorded": True,
                    "position": position_json(pos),
                    "symbol": POSITION_SYMBOLS[pos],
                    "label": POSITION_LABELS[pos],
                    "date": date,
                    "summary": s.summary,
                    "sources": src.cites(s.sources),
                    "hypothetical": False,
                }
            )
        rows.append(_row(f"stance:{who.slug}", "stances", who.name, "stance", cells))
    return rows


def _fixed_key(state: CompareState, revision: int) -> tuple[object, ...]:
    return ("compare", state.o, state.assume, revision)


def fixed_part_built(index: Index, state: CompareState, *, revision: int) -> bool:
    """Whether `comparison_snapshot` has only the weights' part left to compute."""
    return _fixed_key(state, revision) in index.memo


def comparison_snapshot(index: Index, state: CompareState, *, revision: int) -> Snapshot:
    """Everything the comparison shows. Raises KeyError for an unknown option (the parser has
    normally ruled that out).

    Only the weights, the ranking and the query depend on the weights: the rest is built once
    per options, hypotheses and revision, and kept with the index, so that a reader trying
    weight after weight waits only for the ranking."""
    key = _fixed_key(state, revision)
    fixed = index.memo.get_or_build(key, lambda: _fixed_part(index, state, revision))
    assert isinstance(fixed, Snapshot)
    opts = [index.options[s] for s in state.o]
    weights = state.weights()
    return fixed.model_copy(
        update={
            "query": state.query(),
            "weights": [
                SnapshotWeight(
                    slug=c.slug,
                    title=c.title,
                    weight=weights.get(c.slug, c.default_weight),
                    default=c.default_weight,
                    lower_is_better=c.direction == "lower-is-better",
                )
                for c in index.ds.criteria
            ],
            "ranking": Ranking.model_validate(weighted_ranking(index, opts, weights)),
        }
    )


def _fixed_part(index: Index, state: CompareState, revision: int) -> Snapshot:
    """The snapshot with no weights and an empty ranking: what no weight changes."""
    opts = [index.options[s] for s in state.o]
    assume = assumed_positions(state.assume)
    src = _Sources(index)
    rows = [
        *_overview_rows(index, opts),
        *_criterion_rows(index, opts, src),
        *_hurdle_rows(opts, src),
        *_veto_rows(index, opts, state.assume),
        *_stance_rows(index, opts, assume, src),
    ]
    ds = index.ds
    snapshot = {
        "version": SNAPSHOT_VERSION,
        "dossier": {
            "slug": ds.dossier.slug,
            "title": ds.dossier.title,
            "question": ds.dossier.question,
            "as_of": ds.dossier.as_of.isoformat(),
            "licence": ds.dossier.licence,
        },
        "revision": revision,
        "at": index.at.isoformat() if index.at else None,  # the dossier as it stood that day
        "query": "",
        "options": [
            {
                "slug": o.slug,
                "title": o.title,
                "summary": o.summary,
                "category": o.category,
                "status": o.status,
                "href": f"/options/{o.slug}",
            }
            for o in opts
        ],
        "weights": [],
        "assume": [
            {
                "stakeholder": who,
                "name": index.stakeholders[who].name if who in index.stakeholders else who,
                "position": position_json(pos),
                "label": POSITION_LABELS[pos],
            }
            for who, pos in assume.items()
        ],
        "groups": [{"key": k, "title": t} for k, t in GROUPS],
        "rows": rows,
        "ranking": {"formula": FORMULA, "ranked": []},
        "sources": src.bibliography(),
    }
    return Snapshot.model_validate(snapshot)
