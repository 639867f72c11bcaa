"""An option's veto status over time: recomputed on every date on which a stance of someone on
its decision path, or a condition that bars one of its steps, changed. Pure."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from app.analysis.veto import (
    Verdict,
    analyse_option,
    conditions_in_force,
    expand_stances,
    route_stances,
)
from app.analysis.votes import unique
from app.dataset.dates import PartialDate
from app.dataset.schema import Dataset


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
    for s in expand_stances(ds):
        if s.option != option or s.who not in people or s.date is None:
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
    points = []
    for day in sorted(d for d in events if d <= today and (start is None or d >= start)):
        current = route_stances(expand_stances(ds, day))
        v = analyse_option(ds, option, current=current, in_force=conditions_in_force(ds, day))
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
    last = analyse_option(
        ds,
        option,
        current=route_stances(expand_stances(ds, today)),
        in_force=conditions_in_force(ds, today),
    )
    vetoes = unique(h for st in last.steps for h in st.veto_holders)
    return Timeline(
        option,
        tuple(points),
        holders,
        veto_holders=vetoes,
        names={h: names.get(h, h) for h in vetoes},
    )
