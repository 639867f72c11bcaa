"""The rows of a comparison, one builder per kind (overview, criteria, hurdles, veto and path,
stances), each cell a typed part of the snapshot (app.analysis.snapshot), and the sources they
cite in first-cited order. Pure."""

from collections.abc import Callable, Mapping, Sequence

from app.analysis.index import Index, veto_for
from app.analysis.labels import (
    POSITION_LABELS,
    POSITION_SYMBOLS,
    UNCERTAIN_LABELS,
)
from app.analysis.snapshot import (
    CiteRef,
    HurdleCell,
    HurdleItem,
    HurdleRow,
    PathCell,
    PathRoute,
    PathRow,
    PathStep,
    Row,
    ScoreCell,
    ScoreRow,
    SnapshotSource,
    StanceCell,
    StanceRow,
    TextCell,
    TextRow,
    VetoCell,
    VetoRow,
)
from app.analysis.veto import VetoAnalysis
from app.analysis.veto_text import while_text
from app.dataset import urls
from app.dataset.hypotheses import Hypothesis
from app.dataset.schema import Cite, Option
from app.dataset.vocabulary import position_json


def _words(slug: str) -> str:
    return slug.replace("-", " ")


def _attr_text(value: object, unit: str | None) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return f"{value} {unit}" if unit else str(value)


class Sources:
    """Collects the sources the snapshot cites, in first-cited order."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self.seen: dict[str, None] = {}

    def cites(self, cites: Sequence[Cite]) -> list[CiteRef]:
        out = []
        for c in cites:
            self.seen.setdefault(c.id)
            src = self.index.sources.get(c.id)
            label = f"{src.publisher}, {src.date.year}" if src else c.id
            if c.locator:
                label += f", {c.locator}"
            out.append(CiteRef(id=c.id, label=label, href=urls.source(c.id)))
        return out

    def bibliography(self) -> list[SnapshotSource]:
        return [
            SnapshotSource(
                id=s.id,
                title=s.title,
                publisher=s.publisher,
                date=str(s.date),
                url=s.url,
                kind=s.kind,
            )
            for sid in self.seen
            if (s := self.index.sources.get(sid)) is not None
        ]


def _same(
    cells: Sequence[TextCell | ScoreCell | HurdleCell | VetoCell | PathCell | StanceCell],
) -> bool:
    """Every option has the same value: "show only differences" hides the row."""
    return len({c.value for c in cells}) <= 1


def _text_row(key: str, label: str, cells: list[TextCell]) -> TextRow:
    return TextRow(
        key=key, group="overview", label=label, kind="text", same=_same(cells), cells=cells
    )


def overview_rows(index: Index, opts: Sequence[Option]) -> list[Row]:
    rows: list[Row] = [
        _text_row("category", "Category", [TextCell(value=_words(o.category)) for o in opts]),
        _text_row("status", "Status", [TextCell(value=_words(o.status)) for o in opts]),
    ]
    for a in index.ds.attributes:
        if any(a.slug in o.attributes for o in opts):
            cells = [
                TextCell(
                    value=_attr_text(o.attributes[a.slug], a.unit)
                    if a.slug in o.attributes
                    else "—"
                )
                for o in opts
            ]
            rows.append(_text_row(f"attr:{a.slug}", a.title, cells))
    return rows


def criterion_rows(index: Index, opts: Sequence[Option], src: Sources) -> list[Row]:
    rows: list[Row] = []
    for c in index.ds.criteria:
        cells: list[ScoreCell] = []
        for o in opts:
            a = o.assessments.get(c.slug)
            if a is None:
                cells.append(ScoreCell(value="not assessed", score=None))
                continue
            low, high = a.range
            value = f"{a.score}/5 {c.scale[a.score]}"
            if (low, high) != (a.score, a.score):
                value += f" (range {low}–{high})"
            cells.append(
                ScoreCell(
                    value=value,
                    score=a.score,
                    label=c.scale[a.score],
                    low=low,
                    high=high,
                    ranged=(low, high) != (a.score, a.score),
                    confidence=a.confidence,
                    rationale=a.rationale,
                    sources=src.cites(a.sources),
                )
            )
        rows.append(
            ScoreRow(
                key=f"score:{c.slug}",
                group="criteria",
                label=c.title,
                kind="score",
                same=_same(cells),
                cells=cells,
                lower_is_better=c.direction == "lower-is-better",
            )
        )
    return rows


def hurdle_rows(opts: Sequence[Option], src: Sources) -> list[Row]:
    cells = []
    for o in opts:
        hurdles = [
            HurdleItem(
                instrument=h.instrument,
                requires=h.requires,
                severity=h.severity,
                sources=src.cites(h.sources),
            )
            for h in o.hurdles
        ]
        value = "; ".join(f"{h.instrument} (severity {h.severity}/5)" for h in hurdles)
        cells.append(HurdleCell(value=value or "none recorded", hurdles=hurdles))
    return [
        HurdleRow(
            key="hurdles",
            group="hurdles",
            label="Legal hurdles",
            kind="hurdles",
            same=_same(cells),
            cells=cells,
        )
    ]


def _veto_cell(v: VetoAnalysis, name: Callable[[str], str]) -> VetoCell:
    blockers = [name(b.stakeholder) for b in v.blockers]
    several = len(v.routes) > 1
    value = v.status.label
    if several:
        value += f" by {v.route_title}"
    barred = while_text(v.bars) if v.status == "barred" else ""
    if barred:
        value += f" {barred}"
    if blockers:
        value += f" (blockers: {', '.join(blockers)})"
    elif v.uncertain_kind:
        value += f" ({UNCERTAIN_LABELS[v.uncertain_kind]})"
    return VetoCell(
        value=value,
        status=v.status,
        label=v.status.label,
        symbol=v.status.symbol,
        blockers=blockers,
        uncertain=[name(u) for u in v.uncertain],
        reason=v.reason,
        hypothetical=v.hypothetical,
        route=v.route_title if several else "",
        why=UNCERTAIN_LABELS[v.uncertain_kind] if v.uncertain_kind else "",
        barred=barred,
    )


def _path_cell(v: VetoAnalysis) -> PathCell:
    routes = [
        PathRoute(title=r.route_title, status=r.status, steps=_path_steps(r)) for r in v.routes
    ]
    steps = _path_steps(v)
    value = " → ".join(f"{s.title}: {s.status}" for s in steps)
    if len(v.routes) > 1:
        value = "; or ".join(
            f"{r.route_title} ({r.status}): "
            + " → ".join(f"{s.title}: {s.status}" for s in r.steps)
            for r in v.routes
        )
    return PathCell(value=value or "no decision step recorded", steps=steps, routes=routes)


def veto_rows(index: Index, opts: Sequence[Option], assume: Sequence[Hypothesis]) -> list[Row]:
    def name(slug: str) -> str:
        who = index.stakeholders.get(slug)
        return who.name if who else slug

    analyses = [veto_for(index, o.slug, assume) for o in opts]
    status_cells = [_veto_cell(v, name) for v in analyses]
    path_cells = [_path_cell(v) for v in analyses]
    return [
        VetoRow(
            key="veto",
            group="veto",
            label="Veto status",
            kind="veto",
            same=_same(status_cells),
            cells=status_cells,
        ),
        PathRow(
            key="path",
            group="veto",
            label="Decision path",
            kind="path",
            same=_same(path_cells),
            cells=path_cells,
        ),
    ]


def _path_steps(v: VetoAnalysis) -> list[PathStep]:
    return [
        PathStep(title=s.title, rule=_words(s.rule), status=s.status, action=s.action)
        for s in v.steps
    ]


def _stance_cell(
    index: Index, who: str, option: str, assume: Mapping[str, int | None], src: Sources
) -> StanceCell:
    if who in assume:
        pos = assume[who]
        return StanceCell(
            value=f"{POSITION_SYMBOLS[pos]} {POSITION_LABELS[pos]} (hypothetical)",
            recorded=True,
            position=position_json(pos),
            symbol=POSITION_SYMBOLS[pos],
            label=POSITION_LABELS[pos],
            date=None,
            summary="Assumed for this comparison; not a recorded stance.",
            sources=[],
            hypothetical=True,
        )
    s = index.current.get((who, option))
    if s is None:
        return StanceCell(value="no stance recorded", recorded=False)
    pos = s.pos
    date = str(s.date) if s.date else None
    return StanceCell(
        value=f"{POSITION_SYMBOLS[pos]} {POSITION_LABELS[pos]}" + (f" ({date})" if date else ""),
        recorded=True,
        position=position_json(pos),
        symbol=POSITION_SYMBOLS[pos],
        label=POSITION_LABELS[pos],
        date=date,
        summary=s.summary,
        sources=src.cites(s.sources),
        hypothetical=False,
    )


def stance_rows(
    index: Index, opts: Sequence[Option], assume: Mapping[str, int | None], src: Sources
) -> list[Row]:
    rows: list[Row] = []
    for who in index.stakeholders.values():
        if who.slug not in assume and not any((who.slug, o.slug) in index.history for o in opts):
            continue
        cells = [_stance_cell(index, who.slug, o.slug, assume, src) for o in opts]
        rows.append(
            StanceRow(
                key=f"stance:{who.slug}",
                group="stances",
                label=who.name,
                kind="stance",
                same=_same(cells),
                cells=cells,
            )
        )
    return rows
