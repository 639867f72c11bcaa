"""What the compare page, a permanent link and its embed show above their side-by-side table:
the ranking with each option's veto status, a warning when the leader is blocked or barred, the
chance of each rank (app.analysis.ranks) and the route each option comes by. The scores chart,
which no weight changes, is app.views.charts.snapshot_grouped. The pages around it:
app.pages.compare (the live page, its picker, its JSON and CSV twins) and app.pages.permalink
(a permanent link and its embed).

Built from the comparison snapshot alone (app.analysis.compare), never from live data, so a
permanent link made before these existed shows them too, from its own frozen scores.

Pure: no FastAPI, no database."""

import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import NamedTuple

from app.analysis.lru import Lru, deep_size
from app.analysis.ranks import RankChance, RankChances, Scoring, chances, utilities
from app.analysis.snapshot import (
    Part,
    PathCell,
    PathRow,
    PathStep,
    Ranked,
    ScoreRow,
    Snapshot,
    VetoCell,
    VetoRow,
)
from app.charts import ranks
from app.charts.png import ComparisonCard, RankedOption
from app.charts.svg import Chart
from app.dataset import urls
from app.dataset.vocabulary import VetoStatus
from app.views.verdict import join


# Rows made anew on every weight change: named tuples, which cost a third of a frozen
# dataclass to make.
class RankingRow(NamedTuple):
    slug: str
    title: str
    href: str
    rank: int | None
    score_text: str
    status: str  # veto status: clear / uncertain / blocked / barred
    blockers: tuple[str, ...]  # names
    chances: str  # e.g. "First in 62 % of cases"
    route: str = ""  # the best route's title, when the option has several
    path: tuple[PathStep, ...] = ()  # the best route's decision steps
    routes: int = 1  # how many routes the option has


class ChanceShare(NamedTuple):
    """One option's chance of one rank, as its table cell and its piece of the option's bar."""

    label: str  # "1st"
    text: str  # "42 %"
    x: str  # where its piece starts and how wide it is, in per cent of the bar
    width: str
    fill: str


class ChanceRow(NamedTuple):
    title: str
    shares: tuple[ChanceShare, ...]  # empty when the option is not ranked


@dataclass(frozen=True)
class CompareView:
    rows: tuple[RankingRow, ...]  # ranking order
    warning: str | None  # set when a leader is blocked or barred
    chances: RankChances | None  # None when nothing is ranked
    # The chance of each rank as a table with a bar per option, in ranking order: a table
    # reads at any width (one drawing, not a wide and a narrow one) and costs little to write
    # on every weight change. Its SVG and PNG downloads are drawn by `ranks_chart`.
    chance_rows: tuple[ChanceRow, ...]
    rank_fills: tuple[tuple[str, str], ...]  # ("1st", fill) for each rank: the legend


def _veto_cells(snapshot: Snapshot) -> dict[str, VetoCell]:
    row = next((r for r in snapshot.rows if isinstance(r, VetoRow)), None)
    if row is None:
        return {}
    return dict(zip([o.slug for o in snapshot.options], row.cells, strict=True))


def _path_cells(snapshot: Snapshot) -> dict[str, PathCell]:
    row = next((r for r in snapshot.rows if isinstance(r, PathRow)), None)
    if row is None:
        return {}
    return dict(zip([o.slug for o in snapshot.options], row.cells, strict=True))


@dataclass(frozen=True)
class _Static:
    """What an option's ranking row shows that no weight changes."""

    href: str
    status: str
    blockers: tuple[str, ...]
    route: str
    path: tuple[PathStep, ...]
    routes: int


@dataclass(frozen=True)
class _PerComparison:
    """What a comparison's weightings share: its scoring (as rank chances read it) and each
    option's row parts that no weight changes, by slug."""

    scoring: Scoring
    static: dict[str, _Static]


# A comparison's weight-free parts, kept for its next weightings. Found by the identity of the
# snapshot's options and the rows read here, which every weighting shares with the comparison's
# fixed part (a shallow copy, see app.analysis.compare): reading their content on every weight
# change cost more than the chances. Held by weak references, so rows no other cache keeps are
# not kept alive here either; rows that died fail the identity check even when another row
# takes their id.
_Key = tuple[tuple[int, ...], tuple[tuple[str, bool], ...]]
_Kept = tuple[tuple["weakref.ref[Part]", ...], _PerComparison]
_KEPT: Lru[_Key, _Kept] = Lru(128, max_weight=2 << 20, weigh=deep_size)
_READ = (ScoreRow, VetoRow, PathRow)
_CRITERION = attrgetter("slug", "lower_is_better")
_WEIGHT = attrgetter("weight")


def _build_scoring(
    rows: Sequence[ScoreRow], crits: Sequence[tuple[str, bool]], slugs: tuple[str, ...]
) -> Scoring:
    """The snapshot's scores as rank chances read them, criteria in the weights' order."""
    by_crit = {row.key.removeprefix("score:"): row.cells for row in rows}
    cells: list[list[tuple[int, int, int]]] = [[] for _ in slugs]
    for ci, (crit, lower) in enumerate(crits):
        direction = "lower-is-better" if lower else "higher-is-better"
        for own, c in zip(cells, by_crit.get(crit, ()), strict=True):
            if c.score is not None:
                own.append((ci, *utilities(c.score, c.low, c.high, direction)))
    return Scoring(slugs, tuple(map(tuple, cells)))


def _build_static(snapshot: Snapshot) -> dict[str, _Static]:
    veto = _veto_cells(snapshot)
    paths = _path_cells(snapshot)
    out = {}
    for o in snapshot.options:
        v, p = veto.get(o.slug), paths.get(o.slug)
        out[o.slug] = _Static(
            href=o.href,
            status=v.status if v is not None else VetoStatus.UNCERTAIN,
            blockers=tuple(v.blockers) if v is not None else (),
            route=v.route if v is not None else "",
            path=tuple(p.steps) if p is not None else (),
            routes=max(1, len(p.routes)) if p is not None else 1,
        )
    return out


def _per_comparison(snapshot: Snapshot) -> _PerComparison:
    # `type(...) in` rather than isinstance: a model class's isinstance check is five times as
    # slow.
    anchors: list[Part] = [*snapshot.options, *(r for r in snapshot.rows if type(r) in _READ)]
    crits = tuple(map(_CRITERION, snapshot.weights))

    def build() -> _Kept:
        slugs = tuple(o.slug for o in snapshot.options)
        scored = [row for row in snapshot.rows if type(row) is ScoreRow]
        kept = _PerComparison(_build_scoring(scored, crits, slugs), _build_static(snapshot))
        return tuple(map(weakref.ref, anchors)), kept

    refs, kept = _KEPT.get_or_build((tuple(map(id, anchors)), crits), build)
    if all(ref() is a for ref, a in zip(refs, anchors, strict=True)):
        return kept
    return build()[1]  # a stale entry: its rows died, new ones took their ids


def chances_of(snapshot: Snapshot, kept: _PerComparison | None = None) -> RankChances | None:
    if not snapshot.ranking.ranked:
        return None
    scoring = (kept or _per_comparison(snapshot)).scoring
    return chances(scoring, list(map(_WEIGHT, snapshot.weights)))


def _warning(rows: Sequence[RankingRow]) -> str | None:
    leaders = [r for r in rows if r.rank == 1]
    stopped = [r for r in leaders if r.status in ("blocked", "barred")]
    if not stopped:
        return None
    parts = []
    for r in stopped:
        why = f"blocked by {join(list(r.blockers))}" if r.blockers else r.status
        parts.append(f"{r.title} is {why}")
    lead = "The leader" if len(leaders) == 1 else "A leader"
    text = f"{lead} by weighted score cannot happen as things stand: {'; '.join(parts)}."
    best = next(
        (r for r in rows if r.rank is not None and r.status not in ("blocked", "barred")), None
    )
    if best is not None:
        text += f" The best-ranked option that is not blocked or barred is {best.title}"
        text += f" (rank {best.rank})."
    return text


def compare_view(snapshot: Snapshot) -> CompareView:
    kept = _per_comparison(snapshot)
    static = kept.static
    chances = chances_of(snapshot, kept)
    summaries = {rc.option: rc.summary for rc in chances.options} if chances else {}
    rows = tuple(
        _ranking_row(r, static.get(r.slug) or _unknown(r.slug), summaries.get(r.slug, ""))
        for r in snapshot.ranking.ranked
    )
    chance_rows: tuple[ChanceRow, ...] = ()
    legend: tuple[tuple[str, str], ...] = ()
    if chances is not None:
        fills = ranks.rank_fills(chances.ranks)
        legend = tuple((ranks.short_ordinal(k + 1), f) for k, f in enumerate(fills))
        by_slug = {rc.option: rc for rc in chances.options}
        chance_rows = tuple(_chance_row(r.title, by_slug[r.slug], legend) for r in rows)
    return CompareView(rows, _warning(rows), chances, chance_rows, legend)


def _unknown(slug: str) -> _Static:
    """A ranked option the snapshot does not list (never one of ours): its page, no route."""
    return _Static(urls.option(slug), VetoStatus.UNCERTAIN, (), "", (), 1)


def _ranking_row(r: Ranked, s: _Static, chances: str) -> RankingRow:
    return RankingRow(
        r.slug,
        r.title,
        s.href,
        r.rank,
        r.score_text,
        s.status,
        s.blockers,
        chances,
        s.route,
        s.path,
        s.routes,
    )


def _chance_row(title: str, rc: RankChance, legend: Sequence[tuple[str, str]]) -> ChanceRow:
    shares = []
    start = 0.0
    for k in range(len(rc.counts)):
        width = rc.share(k + 1) * 100
        label, fill = legend[k]
        shares.append(
            ChanceShare(label, rc.chance_text(k + 1), f"{start:.1f}", f"{width:.1f}", fill)
        )
        start += width
    return ChanceRow(title, tuple(shares))


def _ranks_chart(snapshot: Snapshot, view: "CompareView") -> Chart | None:
    chances = view.chances
    if chances is None:
        return None
    titles = {o.slug: o.title for o in snapshot.options}
    # Rows in ranking order, as the table above the chart lists them.
    order = {r.slug: i for i, r in enumerate(view.rows)}
    rank_rows = [
        row
        for _, row in sorted(
            zip(chances.options, ranks.rank_rows(chances, titles), strict=True),
            key=lambda pair: order.get(pair[0].option, len(order)),
        )
    ]
    return ranks.rank_chances(rank_rows, method=chances.method, width=900, chart_id="chart-ranks")


def ranks_chart(snapshot: Snapshot) -> Chart | None:
    """The chance of each rank as a picture, for its SVG and PNG downloads."""
    return _ranks_chart(snapshot, compare_view(snapshot))


def headline(view: CompareView) -> str:
    """The comparison's answer in a line, for its preview image: who leads, and whether it can
    happen as things stand."""
    n = len(view.rows)
    leaders = [r for r in view.rows if r.rank == 1]
    if not leaders:
        return f"{n} options compared; none is ranked under these weights"
    if len(leaders) > 1:
        return f"{join([r.title for r in leaders])} share the lead of {n} options"
    lead = leaders[0]
    head = f"{lead.title} leads {n} options by weighted score"
    if lead.status in ("blocked", "barred"):
        head += f", but it is {lead.status}"
    return head


def comparison_card(snapshot: Snapshot, footer: str) -> ComparisonCard:
    """The preview image of a comparison: its headline, then the ranking with each option's
    veto status."""
    view = compare_view(snapshot)
    rows = tuple(
        RankedOption(
            r.title,
            float(r.score_text) if r.rank is not None and r.score_text != "—" else None,
            r.status,
            r.rank,
        )
        for r in view.rows
    )
    return ComparisonCard(snapshot.dossier.title, headline(view), rows, footer)
