"""An option's veto status over time: recomputed on every date on which a stance of someone on
its decision path, or a condition that bars one of its steps, changed. Pure.

The walk is incremental, and its verdicts equal `analyse_option` on each date's stances: the
stances are expanded once, and each date applies that whole day's stances (so an own statement
outranks a joint one of the same day, as in `route_stances`), then re-resolves only the
stakeholders they touched, on each route the stance is about. A veto step (unanimity, veto
members) keeps its blockers and unknown holders up to date holder by holder, so a date costs
the holders whose stance changed that day, not the whole membership (1,000 holders with one
stance each took seconds when every date was analysed from scratch). Other steps are
recomputed on the dates a stance on their route changed; bars on every date."""

import bisect
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from app.analysis.stances import Resolver, RouteKey, StanceRef, expand_stances, put_stance, resolver
from app.analysis.veto import StepVeto, VetoAnalysis
from app.analysis.votes import Label, holders_of, labeller, unique, veto_verdict
from app.analysis.walk import (
    best_route,
    conditions_in_force,
    hurdle_bars,
    route_verdict,
    step_bars,
    step_politics,
    with_bars,
)
from app.dataset.dates import PartialDate
from app.dataset.schema import Body, Condition, Dataset, Option, Route, Stance, Step
from app.dataset.vocabulary import Position, VetoStatus


@dataclass(frozen=True)
class TimelinePoint:
    date: dt.date
    status: VetoStatus
    reason: str
    blockers: tuple[str, ...]
    uncertain: tuple[str, ...]
    events: tuple[str, ...]  # what changed that day, in words


@dataclass(frozen=True)
class StancePoint:
    date: PartialDate
    position: int | None


@dataclass(frozen=True)
class HolderSeries:
    stakeholder: str
    name: str
    points: tuple[StancePoint, ...]


@dataclass(frozen=True)
class Timeline:
    option: str
    points: tuple[TimelinePoint, ...]
    holders: tuple[HolderSeries, ...]  # each stakeholder on the path that has a dated stance
    # Who holds a veto on the best route on the last day, in path order, whether or not they
    # have a dated stance (the silent ones decide an "uncertain" status).
    veto_holders: tuple[str, ...] = ()
    names: Mapping[str, str] = field(default_factory=dict)  # stakeholder slug -> name


def path_stakeholders(ds: Dataset, option: str) -> list[str]:
    """Everyone who votes or holds a veto at any step of the option, in path order."""
    bodies = {b.slug: b for b in ds.bodies}
    opt = next(o for o in ds.options if o.slug == option)
    out: dict[str, None] = {}
    for step in (st for r in opt.decision_routes for st in r.steps):
        body = bodies.get(step.body)
        if body:
            out.update(dict.fromkeys([*body.members, *(b.stakeholder for b in body.blocs)]))
    return list(out)


def option_timeline(ds: Dataset, option: str, today: dt.date | None = None) -> Timeline:
    """Raises KeyError for an unknown option."""
    if not any(o.slug == option for o in ds.options):
        raise KeyError(option)
    today = today or dt.date.today()
    opt = next(o for o in ds.options if o.slug == option)
    names = {s.slug: s.name for s in ds.stakeholders}
    people = set(path_stakeholders(ds, option))
    events: dict[dt.date, list[str]] = {}
    series: dict[str, list[StancePoint]] = {}
    stances = [s for s in expand_stances(ds) if s.option == option]
    for s in stances:
        if s.who not in people or s.date is None:
            continue
        pos = s.pos
        series.setdefault(s.who, []).append(StancePoint(s.date, pos))
        if s.signatories:
            text = f"{s.via} ({s.signatories} signatories)"
        else:
            text = f"{names.get(s.who, s.who)}: stance recorded"
        that_day = events.setdefault(s.date.first_day, [])
        if text not in that_day:
            that_day.append(text)
    barring = {c for r in opt.decision_routes for st in r.steps for c in st.barred_by} | {
        c for h in opt.hurdles for c in h.barred_by
    }
    for c in ds.conditions:
        if c.slug in barring:
            events.setdefault(c.since.first_day, []).append(f"{c.title} begins")
            if c.until is not None:
                events.setdefault(c.until.first_day, []).append(f"{c.title} ends")
    # Before it was proposed an option has no veto status: its timeline starts that day, the
    # stances already on record counting from then.
    start = opt.proposed_on.first_day if opt.proposed_on else None
    if start is not None and start <= today:
        earlier = [d for d in events if d < start]
        for d in earlier:
            del events[d]
        events.setdefault(start, []).insert(
            0, "First proposed" + (" (earlier records count from this day)" if earlier else "")
        )
    walk = _Walk(ds, opt, stances)
    points = []
    for day in sorted(d for d in events if d <= today and (start is None or d >= start)):
        v = walk.on(day)
        points.append(
            TimelinePoint(
                day,
                v.status,
                v.reason,
                tuple(b.stakeholder for b in v.blockers),
                v.uncertain,
                tuple(events[day]),
            )
        )
    holders = tuple(
        HolderSeries(who, names.get(who, who), tuple(sorted(pts, key=lambda p: p.date)))
        for who, pts in series.items()
    )
    last = walk.on(today)
    vetoes = unique(h for st in last.steps for h in st.veto_holders)
    return Timeline(
        option,
        tuple(points),
        holders,
        veto_holders=vetoes,
        names={h: names.get(h, h) for h in vetoes},
    )


BLOCKS, UNKNOWN, SUPPORTS, NEUTRAL = range(4)  # what a stance means for a veto step


def _class(position: Position) -> int:
    if position is None:
        return UNKNOWN
    return BLOCKS if position < 0 else SUPPORTS if position > 0 else NEUTRAL


class _VetoStep:
    """A veto body's step on one route, kept up to date one stakeholder at a time: for each
    class of position, the indexes (in member order) of the members and holders in it."""

    def __init__(self, ordinal: int, step: Step, body: Body, resolve: Resolver) -> None:
        self.ordinal, self.step, self.body, self.resolve = ordinal, step, body, resolve
        self.holders = holders_of(body)
        self.everyone = unique((*body.members, *self.holders))
        self.all_hold = self.holders == self.everyone  # unanimity: the common case, kept cheap
        self.index = {who: i for i, who in enumerate(self.everyone)}
        self.refs: dict[str, StanceRef] = {}
        self.classes: dict[str, int] = {}
        self.lists: tuple[list[int], ...] = ([], [], [], [])
        for who in self.everyone:
            self.update(who)

    def update(self, who: str) -> None:
        """Re-resolve one member's stance on this route."""
        ref = self.refs[who] = self.resolve(who)
        cls, old = _class(ref.position), self.classes.get(who)
        if cls == old:
            return
        i = self.index[who]
        if old is not None:
            self.lists[old].remove(i)
        bisect.insort(self.lists[cls], i)
        self.classes[who] = cls

    def politics(self, label: Label) -> StepVeto:
        """What `step_politics` says of the step, from the classes kept."""
        pick = self.everyone.__getitem__
        opposers = tuple(map(pick, self.lists[BLOCKS]))
        if self.all_hold:
            blockers, uncertain = opposers, tuple(map(pick, self.lists[UNKNOWN]))
        else:
            blockers = tuple(h for h in self.holders if self.classes[h] == BLOCKS)
            uncertain = tuple(h for h in self.holders if self.classes[h] == UNKNOWN)
        status, reason = veto_verdict(self.body, self.holders, blockers, uncertain, label)
        return StepVeto(
            ordinal=self.ordinal,
            body=self.body.slug,
            title=self.body.title,
            rule=self.body.rule,
            action=self.step.action,
            why=self.step.why,
            members=tuple(self.body.members),
            veto_holders=self.holders,
            blockers=blockers,
            uncertain=uncertain,
            supporters=tuple(map(pick, self.lists[SUPPORTS])),
            opposers=opposers,
            status=status,
            reason=reason,
            stances=tuple(map(self.refs.__getitem__, self.holders)),
            uncertain_kind="silent" if status == VetoStatus.UNCERTAIN else None,
        )


class _RouteWalk:
    """One route's steps as the days go by: each step's verdict before bars."""

    def __init__(
        self, ds: Dataset, option: Option, route: Route, current: Mapping[RouteKey, Stance]
    ) -> None:
        self.option, self.route = option, route
        self.bodies = {b.slug: b for b in ds.bodies}
        self.stakeholders = [s.slug for s in ds.stakeholders]
        self.label = labeller(ds)
        # The resolver reads `current`, which the walk keeps up to date.
        self.resolve = resolver(option.slug, route.slug, current, {})
        self.steps = list(enumerate(route.steps, start=1))
        self.tracked: dict[int, _VetoStep] = {}
        self.of_member: dict[str, list[_VetoStep]] = {}
        for i, st in self.steps:
            body = self.bodies.get(st.body)
            # Other rules, and unanimity of unlisted members, are left to `step_politics`.
            if body is None or body.rule not in ("unanimity", "veto-members"):
                continue
            if body.rule == "unanimity" and not body.members:
                continue
            vs = self.tracked[i] = _VetoStep(i, st, body, self.resolve)
            for who in vs.everyone:
                self.of_member.setdefault(who, []).append(vs)
        self.politics = {i: self._politics(i, st) for i, st in self.steps}

    def _politics(self, i: int, st: Step) -> StepVeto:
        if kept := self.tracked.get(i):
            return kept.politics(self.label)
        return step_politics(
            i, st, self.bodies.get(st.body), self.resolve, None, self.stakeholders, self.label
        )

    def apply(self, touched: set[tuple[str, str | None]]) -> None:
        """Re-resolve the stakeholders whose stance on this route or on every route changed."""
        who = {w for w, r in touched if r is None or r == self.route.slug}
        if not who:
            return
        dirty = {i for i, _ in self.steps if i not in self.tracked}
        for w in who:
            for vs in self.of_member.get(w, ()):
                vs.update(w)
                dirty.add(vs.ordinal)
        for i, st in self.steps:
            if i in dirty:
                self.politics[i] = self._politics(i, st)

    def verdict(self, in_force: Mapping[str, Condition]) -> VetoAnalysis:
        steps = tuple(
            with_bars(self.politics[i], step_bars(i, st, self.bodies, in_force))
            for i, st in self.steps
        )
        return route_verdict(
            self.option, self.route, steps, hurdle_bars(self.option, in_force), self.label
        )


def _day(s: Stance) -> dt.date:
    # Undated stances count as older than any dated one (`stance_order`).
    return s.date.first_day if s.date is not None else dt.date.min


class _Walk:
    """The option's verdict day by day, the days in order: `analyse_option` with the stances
    made up to that day and the conditions in force on it."""

    def __init__(self, ds: Dataset, option: Option, stances: Sequence[Stance]) -> None:
        self.ds, self.option = ds, option
        # The sort is stable: on one day the file order stands, as in `route_stances`.
        self.pending = sorted(stances, key=_day)
        self.applied = 0
        self.current: dict[RouteKey, Stance] = {}
        self.routes: list[_RouteWalk] | None = None

    def on(self, day: dt.date) -> VetoAnalysis:
        touched: set[tuple[str, str | None]] = set()
        while self.applied < len(self.pending) and _day(self.pending[self.applied]) <= day:
            s = self.pending[self.applied]
            self.applied += 1
            if put_stance(self.current, s):
                touched.add((s.who, s.route))
        if self.routes is None:  # the first day: every stakeholder resolved once
            self.routes = [
                _RouteWalk(self.ds, self.option, r, self.current)
                for r in self.option.decision_routes
            ]
        else:
            for r in self.routes:
                r.apply(touched)
        in_force = conditions_in_force(self.ds, day)
        return best_route([r.verdict(in_force) for r in self.routes])
