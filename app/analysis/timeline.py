"""An option's veto status over time: recomputed on every date on which a stance of someone on
its decision path, or a condition that bars one of its steps, changed. Pure.

The walk is incremental: the stances are expanded once, and each date applies only that date's
stances. A veto body (unanimity, veto members) keeps its blockers and unknown holders up to
date holder by holder, so a date costs the holders whose stance changed that day, not the whole
membership (1,000 holders with one stance each took seconds when every date was recomputed
from scratch). Other bodies are recomputed on the dates a stance on the option changed."""

import bisect
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from app.analysis.veto import (
    Label,
    StanceKey,
    StepVeto,
    Verdict,
    analyse_step,
    conditions_in_force,
    current_stances,
    expand_stances,
    option_hurdle_bars,
    option_verdict,
    step_bars,
    supersedes,
    veto_verdict,
    with_bars,
)
from app.dataset.dates import PartialDate
from app.dataset.schema import Body, Dataset, Stance, Step


@dataclass(frozen=True)
class TimelinePoint:
    date: dt.date
    status: Verdict
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
    # Who holds a veto on the path on the last day, in path order, whether or not they have
    # a dated stance (the silent ones decide an "uncertain" status).
    veto_holders: tuple[str, ...] = ()
    names: Mapping[str, str] = field(default_factory=dict)  # stakeholder slug -> name


def path_stakeholders(ds: Dataset, option: str) -> list[str]:
    """Everyone who votes or holds a veto at any step of the option, in path order."""
    bodies = {b.slug: b for b in ds.bodies}
    opt = next(o for o in ds.options if o.slug == option)
    out: dict[str, None] = {}
    for step in opt.steps:
        body = bodies.get(step.body)
        if body:
            out.update(dict.fromkeys([*body.members, *(b.stakeholder for b in body.blocs)]))
    return list(out)


BLOCKS, UNKNOWN, OTHER = "blocks", "unknown", "other"


def holder_class(stance: Stance | None) -> str:
    """What a veto holder's stance means for the verdict: it blocks, is unknown, or neither."""
    pos = stance.pos if stance is not None else None
    if pos is None:
        return UNKNOWN
    return BLOCKS if pos < 0 else OTHER


class _VetoStep:
    """A veto body's step, kept up to date one holder at a time: the indexes (in holder order)
    of the holders who block and of those whose position is unknown."""

    def __init__(self, ordinal: int, step: Step, body: Body, holders: tuple[str, ...]) -> None:
        self.ordinal, self.step, self.body, self.holders = ordinal, step, body, holders
        self.index = {h: i for i, h in enumerate(holders)}
        self.classes: dict[str, str] = {}
        self.lists: dict[str, list[int]] = {BLOCKS: [], UNKNOWN: [], OTHER: []}

    def update(self, who: str, cls: str) -> bool:
        """Move one holder to its new class; True when the class changed."""
        old = self.classes.get(who)
        if old == cls:
            return False
        i = self.index[who]
        if old is not None:
            self.lists[old].remove(i)
        bisect.insort(self.lists[cls], i)
        self.classes[who] = cls
        return True

    def verdict(self, label: Label) -> StepVeto:
        pick = self.holders.__getitem__
        blockers = tuple(map(pick, self.lists[BLOCKS]))
        uncertain = tuple(map(pick, self.lists[UNKNOWN]))
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
            supporters=(),  # not part of a verdict; the timeline does not show them
            opposers=(),
            status=status,
            reason=reason,
        )


def _dated_events(
    ds: Dataset, option: str, stances: Sequence[Stance], names: Mapping[str, str]
) -> tuple[dict[dt.date, list[str]], dict[str, list[StancePoint]]]:
    """What changed on each day (in words), and each path stakeholder's dated stances."""
    opt = next(o for o in ds.options if o.slug == option)
    people = set(path_stakeholders(ds, option))
    events: dict[dt.date, list[str]] = {}
    series: dict[str, list[StancePoint]] = {}
    for s in stances:
        if s.who not in people or s.date is None:
            continue
        series.setdefault(s.who, []).append(StancePoint(s.date, s.pos))
        if s.signatories:
            text = f"{s.via} ({s.signatories} signatories)"
        else:
            text = f"{names.get(s.who, s.who)}: stance recorded"
        that_day = events.setdefault(s.date.first_day, [])
        if text not in that_day:
            that_day.append(text)
    barring = {c for st in opt.steps for c in st.barred_by} | {
        c for h in opt.hurdles for c in h.barred_by
    }
    for c in ds.conditions:
        if c.slug in barring:
            events.setdefault(c.since.first_day, []).append(f"{c.title} begins")
            if c.until is not None:
                events.setdefault(c.until.first_day, []).append(f"{c.title} ends")
    return events, series


VETO_RULES = ("unanimity", "veto-members")


def _veto_step(ordinal: int, step: Step, body: Body | None) -> _VetoStep | None:
    """The step as a `_VetoStep`, when its body gives vetoes to a listed set of holders."""
    if body is None or body.rule not in VETO_RULES:
        return None
    holders = tuple(body.members) if body.rule == "unanimity" else tuple(dict.fromkeys(body.veto))
    if not holders or len(set(holders)) != len(holders):
        return None  # unlisted or repeated members: worded by the general analysis
    return _VetoStep(ordinal, step, body, holders)


def _gather(lists: Sequence[tuple[str, ...]]) -> tuple[str, ...]:
    """The names of every list, each once, in order of first appearance."""
    if len(lists) == 1 and len(set(lists[0])) == len(lists[0]):
        return lists[0]  # the common case: one step, free of repeats
    return tuple(dict.fromkeys(x for one in lists for x in one))


def option_timeline(ds: Dataset, option: str, today: dt.date | None = None) -> Timeline:
    """Raises KeyError for an unknown option."""
    opt = next((o for o in ds.options if o.slug == option), None)
    if opt is None:
        raise KeyError(option)
    today = today or dt.date.today()
    names = {s.slug: s.name for s in ds.stakeholders}

    def label(slug: str) -> str:
        return names.get(slug, slug)

    bodies = {b.slug: b for b in ds.bodies}
    stances = [s for s in expand_stances(ds) if s.option == option]
    events, series = _dated_events(ds, option, stances, names)
    # Undated stances hold from the start; dated ones apply on their first day, in list order
    # (the sort is stable), which is how `current_stances` would pick among them.
    current: dict[StanceKey, Stance] = current_stances([s for s in stances if s.date is None])
    dated = sorted((s for s in stances if s.date is not None), key=_first_day)
    steps = list(enumerate(opt.steps, start=1))
    tracked: dict[int, _VetoStep] = {}
    of_holder: dict[str, list[_VetoStep]] = {}
    for i, st in steps:
        vs = _veto_step(i, st, bodies.get(st.body))
        if vs is None:
            continue
        tracked[i] = vs
        for h in vs.holders:
            vs.update(h, holder_class(current.get((h, option))))
            of_holder.setdefault(h, []).append(vs)
    general = [i for i, _ in steps if i not in tracked]
    politics: dict[int, StepVeto] = {}
    dirty = {i for i, _ in steps}
    applied = 0

    def advance(day: dt.date) -> tuple[StepVeto, ...]:
        """Apply the stances made up to `day`; each step's verdict on that day."""
        nonlocal applied
        changed = False
        while applied < len(dated) and _first_day(dated[applied]) <= day:
            s = dated[applied]
            applied += 1
            key = (s.who, option)
            if not supersedes(s, current.get(key)):
                continue
            current[key] = s
            changed = True
            for vs in of_holder.get(s.who, ()):
                if vs.update(s.who, holder_class(s)):
                    dirty.add(vs.ordinal)
        if changed:
            dirty.update(general)
        for i, st in steps:
            if i in dirty:
                kept = tracked.get(i)
                politics[i] = (
                    kept.verdict(label)
                    if kept
                    else analyse_step(i, st, bodies, current, option, ds)
                )
        dirty.clear()
        in_force = conditions_in_force(ds, day)
        return tuple(with_bars(politics[i], step_bars(st, bodies, in_force)) for i, st in steps)

    points = []
    for day in sorted(d for d in events if d <= today):
        now = advance(day)
        status, reason = option_verdict(
            now, option_hurdle_bars(opt, conditions_in_force(ds, day)), label
        )
        points.append(
            TimelinePoint(
                day,
                status,
                reason,
                _gather([s.blockers for s in now]),
                _gather([s.uncertain for s in now]),
                tuple(events[day]),
            )
        )
    last = advance(today)
    holders = tuple(
        HolderSeries(who, names.get(who, who), tuple(sorted(pts, key=lambda p: p.date)))
        for who, pts in series.items()
    )
    return Timeline(
        option,
        tuple(points),
        holders,
        veto_holders=_gather([s.veto_holders for s in last]),
        names={h: label(h) for s in last for h in s.veto_holders},
    )


def _first_day(s: Stance) -> dt.date:
    assert s.date is not None
    return s.date.first_day
