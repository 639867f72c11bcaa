"""One option's page, `/options/{slug}`: its scores, decision path, stances and sources; its JSON
twins (the option, its veto analysis and its timeline) and CSV.

Pure: no FastAPI, no database."""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from app.analysis.index import Index, veto_for
from app.analysis.stances import StanceRef
from app.analysis.veto import StepVeto, VetoAnalysis
from app.charts.svg import Chart
from app.dataset import urls
from app.dataset.hypotheses import Hypotheses, Hypothesis, assumed_positions, with_hypothesis
from app.dataset.records import LinkStatus
from app.dataset.schema import (
    AttributeDef,
    AttrValue,
    Condition,
    Criterion,
    Option,
    Source,
    Stakeholder,
    Stance,
)
from app.dataset.vocabulary import Position
from app.pages.parts import CitedSource, Table, citations, cites, names
from app.state import Vocab, parse_explore
from app.views.charts import option_bars, option_timeline_chart
from app.views.verdict import Named, Verdict, verdict


@dataclass(frozen=True)
class OptionState:
    """One option's page: the option, hypotheses and the day. Its links are its methods: this
    page plus one hypothesis, without them, or on another day, each keeping the rest."""

    slug: str
    assume: Hypotheses = ()
    at: dt.date | None = None  # as the site resolved it (app.serving.site), not parsed again

    def pairs(self) -> list[tuple[str, str]]:
        out = (
            [("assume", ",".join(f"{h.who}:{h.value}" for h in self.assume))] if self.assume else []
        )
        return out + ([("at", self.at.isoformat())] if self.at else [])

    def query(self) -> str:
        return urlencode(self.pairs(), safe=",:")

    def url(self, suffix: str = "") -> str:
        """This page's address (or, with `suffix`, one of its images') in canonical form."""
        return urls.href(urls.option(self.slug) + suffix, self.pairs())

    def with_position(self, who: str, position: Position) -> "OptionState":
        return replace(self, assume=with_hypothesis(self.assume, Hypothesis(who, position)))

    def with_lifted(self, condition: str) -> "OptionState":
        lifted = Hypothesis(condition, lifted=True)
        return replace(self, assume=with_hypothesis(self.assume, lifted))

    def without_hypotheses(self) -> "OptionState":
        return replace(self, assume=())

    def on(self, day: dt.date | None) -> "OptionState":
        return replace(self, at=day)


def parse_option(
    slug: str, items: Iterable[tuple[str, str]], vocab: Vocab, at: dt.date | None
) -> OptionState:
    """The page's state from its query: `assume=` read by the one parser (app.state); `at=` as
    the site resolved it. The route's guard has refused every other parameter."""
    assume = parse_explore([(k, v) for k, v in items if k == "assume"], vocab).assume
    return OptionState(slug, assume, at)


@dataclass(frozen=True)
class PathStep:
    step: StepVeto
    blockers: tuple[Named, ...]
    uncertain: tuple[Named, ...]
    supporters: tuple[Named, ...]


@dataclass(frozen=True)
class ConditionToEnd:
    """A condition in force that bars the option: it would have to end."""

    condition: Condition
    where: str  # the steps it bars, joined
    hurdles: int = 0  # the legal hurdles it bars, which the page lists apart


@dataclass(frozen=True)
class DecisionPath:
    """templates/_decision_path.html: the steps with names, then what would have to change.
    For an option with several routes these are the best route's, and `routes` holds each."""

    steps: tuple[PathStep, ...]
    conditions: tuple[ConditionToEnd, ...]
    # Each stance that makes blockers, with its stakeholders: a joint statement is quoted once.
    blockers: tuple[tuple[tuple[Named, ...], StanceRef], ...]
    veto: VetoAnalysis | None = None  # the route's own analysis (status, reason, note)
    routes: tuple["DecisionPath", ...] = ()


def decision_path(index: Index, veto: VetoAnalysis) -> DecisionPath:
    best = _route_path(index, veto)
    if len(veto.routes) < 2:
        return best
    return replace(best, routes=tuple(_route_path(index, r) for r in veto.routes))


def _route_path(index: Index, veto: VetoAnalysis) -> DecisionPath:
    # Per condition, the steps it bars in words; the hurdles it bars are counted, since the
    # "Legal hurdles" list above names them already.
    bars: dict[str, list[str]] = {}
    hurdles: dict[str, set[str]] = {}
    for b in veto.bars:
        where = bars.setdefault(b.condition, [])
        if b.step is None:
            hurdles.setdefault(b.condition, set()).add(b.where)
        elif b.where not in where:
            where.append(b.where)
    grouped: dict[object, tuple[list[Named], StanceRef]] = {}
    for blocker in veto.blockers:
        st = blocker.stance
        key = (st.via, st.date, st.summary) if st.via and not st.hypothetical else blocker
        who = Named(blocker.stakeholder, index.stakeholders[blocker.stakeholder].name)
        grouped.setdefault(key, ([], st))[0].append(who)
    return DecisionPath(
        steps=tuple(
            PathStep(
                s, names(index, s.blockers), names(index, s.uncertain), names(index, s.supporters)
            )
            for s in veto.steps
        ),
        conditions=tuple(
            ConditionToEnd(index.conditions[c], "; ".join(where), len(hurdles.get(c, ())))
            for c, where in bars.items()
        ),
        blockers=tuple((tuple(who), stance) for who, stance in grouped.values()),
        veto=veto,
    )


@dataclass(frozen=True)
class StanceRow:
    """One row of an option's stances: one stakeholder's latest stance, or a joint statement
    standing once for all the signatories whose latest stance it is."""

    stance: Stance  # the latest stance; for a joint statement, its first signatory's
    who: tuple[Named, ...]  # the stakeholder, or the joint statement's signatories by name
    vetoes: frozenset[str]  # those of `who` who hold a veto on the decision path
    joint: bool


@dataclass(frozen=True)
class EarlierStance:
    """A stance since superseded, listed once however many signed it."""

    stance: Stance
    who: tuple[Named, ...]
    shown: bool  # a joint statement also listed above, as others' latest stance


@dataclass(frozen=True)
class OptionStances:
    """templates/option.html's stances: what decides the verdict first, agreement folded."""

    first: tuple[StanceRow, ...]  # opponents, then veto holders whose position is unknown
    silent: tuple[Named, ...]  # veto holders with no stance on record at all
    neutral: tuple[StanceRow, ...]
    unknown: tuple[StanceRow, ...]  # no known position, and no veto: folded
    supporters: tuple[StanceRow, ...]
    supporters_count: int  # stakeholders, not rows
    earlier: tuple[EarlierStance, ...]  # newest first

    @property
    def empty(self) -> bool:
        return not (self.first or self.silent or self.neutral or self.unknown or self.supporters)


def _rows(
    index: Index, stances: Iterable[Stance], holders: frozenset[str]
) -> tuple[StanceRow, ...]:
    groups: dict[object, list[Stance]] = {}
    for s in stances:
        # Stakeholders who said the same thing, word for word, share a row too.
        key = ("joint", s.joint) if s.joint is not None else (s.pos, s.date, s.summary, s.quote)
        groups.setdefault(key, []).append(s)
    rows = []
    for group in groups.values():
        who = tuple(Named(s.who, index.stakeholders[s.who].name) for s in group)
        joint = group[0].joint is not None
        if joint:
            who = tuple(sorted(who, key=lambda w: w.name))
        rows.append(StanceRow(group[0], who, frozenset(w.slug for w in who) & holders, joint))
    return tuple(rows)


def option_stances(
    index: Index, veto: VetoAnalysis, stances: Sequence[tuple[str, list[Stance]]]
) -> OptionStances:
    holders = frozenset(h for step in veto.steps for h in step.veto_holders)
    latest = {who: history[0] for who, history in stances}
    against = sorted(
        (s for s in latest.values() if s.pos is not None and s.pos < 0),
        key=lambda s: (s.who not in holders, s.pos or 0),
    )
    unknown = [s for s in latest.values() if s.pos is None and s.who in holders]
    earlier: dict[object, list[Stance]] = {}
    for who, history in stances:
        for s in history[1:]:
            key = ("joint", s.joint, s.date) if s.joint is not None else (who, id(s))
            earlier.setdefault(key, []).append(s)
    current_joint = {s.joint for s in latest.values() if s.joint is not None}
    supporters = [s for s in latest.values() if (s.pos or 0) > 0]
    return OptionStances(
        first=_rows(index, [*against, *unknown], holders),
        silent=names(index, [h for h in veto.uncertain if h not in latest]),
        neutral=_rows(index, (s for s in latest.values() if s.pos == 0), holders),
        unknown=_rows(
            index, (s for s in latest.values() if s.pos is None and s.who not in holders), holders
        ),
        supporters=_rows(index, supporters, holders),
        supporters_count=len(supporters),
        earlier=tuple(
            EarlierStance(g[0], names(index, [s.who for s in g]), g[0].joint in current_joint)
            for g in sorted(
                earlier.values(),
                key=lambda g: g[0].date.first_day if g[0].date else dt.date.min,
                reverse=True,
            )
        ),
    )


@dataclass(frozen=True)
class OptionPage:
    option: Option
    state: OptionState
    veto: VetoAnalysis
    verdict: Verdict
    timeline: Chart  # the veto status over time, each change linked to its day
    timeline_narrow: Chart
    bars: Chart  # the scores
    bars_narrow: Chart
    chart_links: dict[str, dict[str, str]]  # chart -> format -> address (`at=` kept)
    proposed_by: Named | None
    compare_with: tuple[Named, ...]  # every other option, its title as the name
    assumed: tuple[tuple[str, Position], ...]  # stakeholder name, assumed position
    attributes: tuple[tuple[AttributeDef, AttrValue], ...]  # the option's, in dataset order
    criteria: tuple[Criterion, ...]
    path: DecisionPath
    stances: tuple[tuple[Stakeholder, list[Stance]], ...]  # each with its history, latest first
    rows: OptionStances
    sources: tuple[Source, ...]  # every source the page cites, in first-cited order
    cited: dict[str, CitedSource]
    routes: dict[str, str]  # route slug -> title, for stances that address one route


def build(
    index: Index, links: Mapping[str, LinkStatus], option: Option, state: OptionState
) -> OptionPage:
    veto = veto_for(index, option.slug, state.assume)
    names = {k: s.name for k, s in index.stakeholders.items()}
    today = state.without_hypotheses()  # the charts take `at=` only

    def on_day(day: dt.date) -> str:
        # A timeline change links to this page as it stood that day, hypotheses kept.
        return state.on(day).url()

    stances = tuple(
        (who, index.history[(slug, option.slug)])
        for slug, who in index.stakeholders.items()
        if (slug, option.slug) in index.history
    )
    by = option.proposed_by
    return OptionPage(
        option=option,
        state=state,
        veto=veto,
        verdict=verdict(veto, names),
        timeline=option_timeline_chart(index, option.slug, day_href=on_day),
        timeline_narrow=option_timeline_chart(index, option.slug, narrow=True, day_href=on_day),
        bars=option_bars(index, option),
        bars_narrow=option_bars(index, option, narrow=True),
        chart_links={
            kind: {ext: today.url(f"/{kind}.{ext}") for ext in ("svg", "png")}
            for kind in ("timeline", "scores")
        },
        proposed_by=Named(by, index.stakeholders[by].name) if by else None,
        compare_with=tuple(
            Named(o.slug, o.title) for o in index.options.values() if o.slug != option.slug
        ),
        assumed=tuple(
            (index.stakeholders[who].name, pos)
            for who, pos in assumed_positions(state.assume).items()
        ),
        attributes=tuple(
            (a, option.attributes[a.slug])
            for a in index.ds.attributes
            if a.slug in option.attributes
        ),
        criteria=tuple(index.ds.criteria),
        path=decision_path(index, veto),
        stances=stances,
        rows=option_stances(index, veto, [(w.slug, h) for w, h in stances]),
        sources=tuple(index.sources[sid] for sid in option_sources(option, stances)),
        cited=citations(index, links),
        routes={r.slug: r.title for r in option.routes},
    )


def option_sources(
    option: Option, stances: Iterable[tuple[Stakeholder, list[Stance]]]
) -> list[str]:
    """Every source the option page cites, in first-cited order."""
    ids: dict[str, None] = dict.fromkeys(c.id for c in option.proposed_sources)
    for a in option.assessments.values():
        ids.update(dict.fromkeys(c.id for c in a.sources))
    for h in option.hurdles:
        ids.update(dict.fromkeys(c.id for c in h.sources))
    for r in option.routes:
        ids.update(dict.fromkeys(c.id for c in r.sources))
    for _, history in stances:
        for st in history:
            ids.update(dict.fromkeys(c.id for c in st.sources))
    return list(ids)


def option_table(option: Option, index: Index) -> Table:
    """One row per criterion assessment, then one per legal hurdle."""
    header = ["kind", "key", "title", "value", "low", "high", "confidence", "text", "sources"]
    rows: list[list[object]] = []
    for slug, a in option.assessments.items():
        crit = index.criteria.get(slug)
        rows.append(
            [
                "assessment",
                slug,
                crit.title if crit else slug,
                a.score,
                *a.range,
                a.confidence,
                a.rationale,
                cites(a.sources),
            ]
        )
    for i, h in enumerate(option.hurdles, 1):
        rows.append(
            ["hurdle", i, h.instrument, h.severity, None, None, None, h.requires, cites(h.sources)]
        )
    return header, rows
