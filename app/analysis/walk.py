"""The veto analysis: who could stop an option, at which decision body, and on what stated grounds.

It follows the model the methodology page explains (templates/methodology.html): walk an
option's decision steps in order. A member holding a veto at that body whose current stance
opposes the option is a blocker; a veto holder whose position is unknown is uncertain. Nothing
here guesses a vote: where stakeholder stances cannot settle a vote (majorities of people who
are not stakeholders), the verdict says so and stays "uncertain".

Pure functions over `app.dataset.schema` models: no FastAPI, no database, no I/O.
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from itertools import chain

from app.analysis.stances import (
    Resolver,
    RouteKey,
    StanceRef,
    expand_stances,
    resolver,
    route_stances,
)
from app.analysis.veto import Bar, Blocker, StepVeto, VetoAnalysis
from app.analysis.veto_text import option_reason, while_text
from app.analysis.votes import (
    Label,
    Outcome,
    join_names,
    labeller,
    rule_outcome,
    the,
    unique,
)
from app.dataset.schema import Body, Condition, Dataset, LegalBasis, Option, Route, Stance, Step
from app.dataset.vocabulary import Position, VetoStatus


def _verdict_key(o: Outcome) -> tuple[object, ...]:
    return (o.status, o.reason, o.blockers, o.uncertain, o.supporters, o.opposers)


def _step(
    ordinal: int,
    step: Step,
    body: Body | None,
    resolve: Resolver,
    resolve_actual: Resolver | None,
    stakeholders: Sequence[str],
    label: Label,
    bars: tuple[Bar, ...] = (),
) -> StepVeto:
    return with_bars(
        step_politics(ordinal, step, body, resolve, resolve_actual, stakeholders, label), bars
    )


def with_bars(step_veto: StepVeto, bars: tuple[Bar, ...]) -> StepVeto:
    """The step's verdict once the conditions that bar it are taken into account."""
    if not bars:
        return step_veto
    # Law comes before politics: whatever the stances, the step cannot happen while it holds.
    since = join_names([f"{b.title.lower()}: in force since {b.since.human()}" for b in bars])
    return replace(
        step_veto,
        status=VetoStatus.BARRED,
        reason=f"Barred {while_text(bars)} ({since}). {step_veto.reason}",
        bars=bars,
    )


def step_politics(
    ordinal: int,
    step: Step,
    body: Body | None,
    resolve: Resolver,
    resolve_actual: Resolver | None,
    stakeholders: Sequence[str],
    label: Label,
) -> StepVeto:
    if body is None:
        # The file check reports dangling references; here a missing body must not crash a page.
        return StepVeto(
            ordinal=ordinal,
            body=step.body,
            title=step.body,
            rule="unknown",
            action=step.action,
            why=step.why,
            members=(),
            veto_holders=(),
            blockers=(),
            uncertain=(),
            supporters=(),
            opposers=(),
            status=VetoStatus.UNCERTAIN,
            reason=f"The dataset names no decision body {step.body!r}, so this step cannot be "
            "checked.",
            uncertain_kind="unsettled",
        )
    out = rule_outcome(body, resolve, stakeholders, label)
    hypothetical = False
    if resolve_actual is not None:
        # An assumption affects a step when the verdict would differ without it, or when the
        # verdict names a stakeholder whose position was assumed.
        named = set(out.named)
        hypothetical = any(r.hypothetical and r.stakeholder in named for r in out.stances) or (
            _verdict_key(out)
            != _verdict_key(rule_outcome(body, resolve_actual, stakeholders, label))
        )
    return StepVeto(
        ordinal=ordinal,
        body=body.slug,
        title=body.title,
        rule=body.rule,
        action=step.action,
        why=step.why,
        members=tuple(body.members),
        veto_holders=out.veto_holders,
        blockers=out.blockers,
        uncertain=out.uncertain,
        supporters=out.supporters,
        opposers=out.opposers,
        status=out.status,
        reason=out.reason,
        hypothetical=hypothetical,
        stances=out.stances,
        vote=out.vote,
        uncertain_kind=out.uncertain_kind,
    )


def _worst(statuses: Iterable[str]) -> VetoStatus:
    # Barred (law) outranks blocked (politics): no change of stance can open a barred option.
    return max(map(VetoStatus, statuses), key=lambda s: s.order, default=VetoStatus.CLEAR)


def _bars(
    barred_by: Sequence[str],
    where: str,
    in_force: Mapping[str, Condition],
    basis: LegalBasis | None = None,
    step: int | None = None,
) -> tuple[Bar, ...]:
    law = basis.law if basis else ""
    return tuple(
        Bar(c, in_force[c].title, in_force[c].since, where, law, step)
        for c in barred_by
        if c in in_force
    )


def _analyse(
    option: Option,
    bodies: Mapping[str, Body],
    stakeholders: Sequence[str],
    current: Mapping[RouteKey, Stance],
    assume: Mapping[str, Position],
    label: Label,
    in_force: Mapping[str, Condition],
) -> VetoAnalysis:
    """Any one route suffices: the option's verdict is its best route's (clear, then
    uncertain, blocked, barred; on a tie the first in the file), with every route kept."""
    return best_route(
        [
            _analyse_route(option, r, bodies, stakeholders, current, assume, label, in_force)
            for r in option.decision_routes
        ]
    )


def _nearness(r: VetoAnalysis) -> tuple[int, int, bool, int]:
    """Between routes of one status, the nearer needs fewer governments to change their minds
    or speak up: fewer blockers, then no vote that stances cannot settle (its distance is
    unknown), then fewer veto holders unknown. Ties keep the dataset's order."""
    unsettled = any(s.uncertain_kind == "unsettled" for s in r.steps)
    return (r.status.order, len(r.blockers), unsettled, len(r.uncertain))


def best_route(routes: Sequence[VetoAnalysis]) -> VetoAnalysis:
    """The option's verdict from each route's: the best route's, naming the others."""
    if len(routes) == 1:
        return routes[0]
    best = min(routes, key=_nearness)
    others = "; ".join(f"{r.route_title}, {r.status}" for r in routes if r is not best)
    return replace(
        best,
        reason=f"By {best.route_title}: {best.reason} Other routes: {others}.",
        routes=tuple(routes),
    )


def _analyse_route(
    option: Option,
    route: Route,
    bodies: Mapping[str, Body],
    stakeholders: Sequence[str],
    current: Mapping[RouteKey, Stance],
    assume: Mapping[str, Position],
    label: Label,
    in_force: Mapping[str, Condition],
) -> VetoAnalysis:
    resolve = resolver(option.slug, route.slug, current, assume)
    resolve_actual = resolver(option.slug, route.slug, current, {}) if assume else None
    steps = tuple(
        _step(
            i,
            st,
            bodies.get(st.body),
            resolve,
            resolve_actual,
            stakeholders,
            label,
            step_bars(i, st, bodies, in_force),
        )
        for i, st in enumerate(route.steps, start=1)
    )
    return route_verdict(option, route, steps, hurdle_bars(option, in_force), label)


def step_bars(
    ordinal: int, step: Step, bodies: Mapping[str, Body], in_force: Mapping[str, Condition]
) -> tuple[Bar, ...]:
    where = (
        f"{step.action} ({the(bodies[step.body].title, cap=False)})"
        if step.body in bodies
        else step.action
    )
    return _bars(step.barred_by, where, in_force, step.barred_under, ordinal)


def hurdle_bars(option: Option, in_force: Mapping[str, Condition]) -> tuple[Bar, ...]:
    return tuple(
        b
        for h in option.hurdles
        for b in _bars(h.barred_by, h.instrument, in_force, h.barred_under)
    )


def route_verdict(
    option: Option,
    route: Route,
    steps: tuple[StepVeto, ...],
    hurdles: tuple[Bar, ...],
    label: Label,
) -> VetoAnalysis:
    """A route's verdict from the verdicts of its steps (bars included) and the bars of the
    option's hurdles."""
    bars = (*(b for s in steps for b in s.bars), *hurdles)
    # Blockers and uncertain holders are listed once, where they first appear; a blocker's
    # bodies gather every step at which it could veto.
    blocker_bodies: dict[str, list[str]] = {}
    blocker_stance: dict[str, StanceRef] = {}
    for s in steps:
        if not s.blockers:
            continue
        refs = {r.stakeholder: r for r in s.stances}
        for b in s.blockers:
            blocker_bodies.setdefault(b, [])
            if s.body not in blocker_bodies[b]:
                blocker_bodies[b].append(s.body)
            blocker_stance.setdefault(b, refs[b])
    blockers = tuple(
        Blocker(stakeholder=b, bodies=tuple(bs), stance=blocker_stance[b])
        for b, bs in blocker_bodies.items()
    )
    uncertain = unique(chain.from_iterable(s.uncertain for s in steps))
    # Option without steps: no veto holder anywhere, so by the model it is clear.
    status = _worst([*(s.status for s in steps), *([VetoStatus.BARRED] if hurdles else [])])
    return VetoAnalysis(
        option=option.slug,
        status=status,
        steps=steps,
        blockers=blockers,
        uncertain=uncertain,
        hypothetical=any(s.hypothetical for s in steps),
        reason=option_reason(status, steps, blockers, label, bars),
        bars=bars,
        uncertain_kind=next((s.uncertain_kind for s in steps if s.status == status), None)
        if status == VetoStatus.UNCERTAIN
        else None,
        route=route.slug,
        route_title=route.title,
        route_note=route.note,
        route_sources=tuple(route.sources),
    )


def conditions_in_force(
    ds: Dataset, day: dt.date, lifted: Iterable[str] = ()
) -> dict[str, Condition]:
    """Conditions holding on `day`, less those a hypothesis switches off."""
    off = set(lifted)
    return {c.slug: c for c in ds.conditions if c.holds_on(day) and c.slug not in off}


def analyse_option(
    ds: Dataset,
    option: str,
    *,
    current: Mapping[RouteKey, Stance] | None = None,
    assume: Mapping[str, Position] | None = None,
    in_force: Mapping[str, Condition] | None = None,
) -> VetoAnalysis:
    """The veto analysis of one option. Raises KeyError for an unknown option slug.

    `current` may be passed when the caller already holds `route_stances(expand_stances(ds))`.
    `assume` overrides stakeholders' positions (None = unknown) on every option.
    """
    opt = next((o for o in ds.options if o.slug == option), None)
    if opt is None:
        raise KeyError(option)
    assume = dict(assume or {})
    if current is None:
        current = route_stances(expand_stances(ds))
    bodies = {b.slug: b for b in ds.bodies}
    stakeholders = [s.slug for s in ds.stakeholders]
    if in_force is None:
        in_force = conditions_in_force(ds, dt.date.today())
    return _analyse(opt, bodies, stakeholders, current, assume, labeller(ds), in_force)


def analyse_all(
    ds: Dataset,
    *,
    current: Mapping[RouteKey, Stance] | None = None,
    assume: Mapping[str, Position] | None = None,
    in_force: Mapping[str, Condition] | None = None,
) -> dict[str, VetoAnalysis]:
    """option slug -> veto analysis, in dataset order. Stances are indexed once for all options
    (or not at all, when the caller already holds `route_stances(expand_stances(ds))`)."""
    assume = dict(assume or {})
    if current is None:
        current = route_stances(expand_stances(ds))
    bodies = {b.slug: b for b in ds.bodies}
    stakeholders = [s.slug for s in ds.stakeholders]
    label = labeller(ds)
    if in_force is None:
        in_force = conditions_in_force(ds, dt.date.today())
    return {
        o.slug: _analyse(o, bodies, stakeholders, current, assume, label, in_force)
        for o in ds.options
    }
