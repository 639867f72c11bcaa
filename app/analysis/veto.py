"""Veto analysis: who could stop an option, at which decision body, and on what stated grounds.

It follows the model (DESIGN.md, "Veto analysis"): walk an option's decision steps in order.
A member holding a veto at that body whose current stance opposes the option is a blocker;
a veto holder whose position is unknown is uncertain. Nothing here guesses a vote: where
stakeholder stances cannot settle a vote (majorities of people who are not stakeholders),
the verdict says so and stays "uncertain".

Pure functions over `app.dataset.schema` models: no FastAPI, no database, no I/O.
"""

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from app.analysis.labels import POSITION_LABELS
from app.dataset.dates import PartialDate
from app.dataset.schema import (
    POSITIONS,
    SEAT_RULES,
    Body,
    Cite,
    Condition,
    Dataset,
    Option,
    Position,
    Stance,
    Step,
    VetoStatus,
)

Verdict = VetoStatus
LIFTED = "lifted"  # the assume= value that switches a condition off
StanceKey = tuple[str, str]  # (stakeholder, option)

_SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class StanceRef:
    """The stance a verdict rests on: recorded in the dataset, or assumed by the reader."""

    stakeholder: str
    position: Position
    date: PartialDate | None
    summary: str
    sources: tuple[Cite, ...]
    hypothetical: bool  # True when it comes from an assumption, not from the dataset
    recorded: bool = True  # False when the dataset holds no stance at all (and none was assumed)
    quote: str | None = None
    quote_by: str | None = None
    via: str | None = None  # the joint statement it comes from
    signatories: int = 0


@dataclass(frozen=True)
class VoteCount:
    """The arithmetic of a seat vote, for bodies that vote by seats."""

    rule: str
    seats: int
    vacant: int
    need: int
    need_text: str  # e.g. "two thirds of those present"
    in_favour: int
    against: int
    neutral: int
    unknown: int
    outcome: Literal["passes", "blocked", "uncertain"]


@dataclass(frozen=True)
class Bar:
    """A condition in law or fact that stops a step or hurdle while it holds."""

    condition: str
    title: str
    since: PartialDate
    where: str  # the step or hurdle it bars, in words


@dataclass(frozen=True)
class StepVeto:
    ordinal: int  # 1-based position of the step in the option's decision path
    body: str
    title: str
    rule: str
    action: str
    why: str
    members: tuple[str, ...]
    veto_holders: tuple[str, ...]
    blockers: tuple[str, ...]  # veto holders whose current position < 0
    uncertain: tuple[str, ...]  # veto holders whose position is unknown
    supporters: tuple[str, ...]  # members with position > 0 ("committed" for a coalition)
    opposers: tuple[str, ...]  # members with position < 0 ("declined" for a coalition)
    status: Verdict
    reason: str  # plain English, for the reader
    hypothetical: bool = False  # this step's verdict rests on an assumption
    stances: tuple[StanceRef, ...] = ()  # every stance the step consulted, in member order
    vote: VoteCount | None = None  # set for bodies that vote by seats
    bars: tuple[Bar, ...] = ()  # conditions in force that bar this step


@dataclass(frozen=True)
class Blocker:
    """What would have to change: who, at which bodies, and the stance they stated."""

    stakeholder: str
    bodies: tuple[str, ...]
    stance: StanceRef


@dataclass(frozen=True)
class VetoAnalysis:
    option: str
    status: Verdict
    steps: tuple[StepVeto, ...]
    blockers: tuple[Blocker, ...]  # unique per stakeholder, in order of first appearance
    uncertain: tuple[str, ...]  # unique stakeholder slugs, in order of first appearance
    hypothetical: bool  # any verdict rested on an assumption
    reason: str = ""  # one sentence summarising the option's verdict
    bars: tuple[Bar, ...] = ()  # every condition in force that bars a step or hurdle


# --- stances -------------------------------------------------------------------------------


def _stance_order(s: Stance) -> tuple[bool, dt.date, int]:
    # Undated stances (only "unknown" may lack a date) carry no claim about when they held,
    # so any dated stance is taken as more recent than them. A partial date sorts by its
    # first day; on the same first day the more precise date is the later record.
    if s.date is None:
        return (False, dt.date.min, 0)
    return (True, *s.date._key())


def expand_stances(ds: Dataset, at: dt.date | None = None) -> list[Stance]:
    """One stance per signatory: a joint statement becomes one dated, sourced stance for each
    stakeholder it names (or each member of the body it names). With `at`, only stances made
    at or before that day count (undated "unknown" entries always count)."""
    bodies = {b.slug: b for b in ds.bodies}
    titles = {s.id: s.title for s in ds.sources}
    out: list[Stance] = []
    for i, s in enumerate(ds.stances):
        if at is not None and s.date is not None and s.date.first_day > at:
            continue
        if s.stakeholder is not None:
            out.append(s)
            continue
        if s.members_of is not None:
            body = bodies.get(s.members_of)
            who = [*body.members, *(b.stakeholder for b in body.blocs)] if body else []
        else:
            who = list(s.stakeholders or [])
        via = s.via or (titles.get(s.sources[0].id) if s.sources else None) or "a joint statement"
        for w in who:
            out.append(
                s.model_copy(
                    update={
                        "stakeholder": w,
                        "stakeholders": None,
                        "members_of": None,
                        "via": via,
                        "signatories": len(who),
                        "joint": i,
                    }
                )
            )
    return out


def supersedes(s: Stance, prev: Stance | None) -> bool:
    """Whether `s`, met after `prev` in the list, becomes the current stance instead of it."""
    return prev is None or _stance_order(s) >= _stance_order(prev)


def current_stances(stances: Sequence[Stance]) -> dict[StanceKey, Stance]:
    """(stakeholder, option) -> the current stance: the latest by date.

    On equal dates the one later in the list wins, so a dataset author can correct an entry by
    appending. An explicit "unknown" is a stance like any other: if it is the latest, the
    position is unknown even when an older stance was known. Undated entries count as older
    than any dated one.
    """
    out: dict[StanceKey, Stance] = {}
    for s in stances:
        key = (s.who, s.option)
        prev = out.get(key)
        if supersedes(s, prev):
            out[key] = s
    return out


def lifted_conditions(pairs: Iterable[tuple[str, str]]) -> frozenset[str]:
    """("martial-law-ua", "lifted") -> {"martial-law-ua"}: conditions a hypothesis switches off."""
    return frozenset(k.strip() for k, v in pairs if v.strip() == LIFTED)


def parse_assumptions(pairs: Iterable[tuple[str, str]]) -> dict[str, Position]:
    """("hu", "0") -> {"hu": 0}; ("sk", "unknown") -> {"sk": None}. The last pair for a slug wins.
    Pairs that lift a condition ("martial-law-ua", "lifted") are left to `lifted_conditions`.

    Raises ValueError with a message fit for the reader on a bad slug or position.
    """
    out: dict[str, Position] = {}
    for raw_slug, raw_pos in pairs:
        slug, value = raw_slug.strip(), raw_pos.strip()
        if not _SLUG_RE.match(slug):
            raise ValueError(f"assume: {raw_slug!r} is not a stakeholder slug")
        if value == LIFTED:
            continue
        if value.lower() == "unknown":
            out[slug] = None
            continue
        try:
            pos = int(value)
        except ValueError:
            pos = None
        if pos is None or pos not in POSITIONS:
            raise ValueError(
                f"assume: position for {slug} must be an integer -2..2 or unknown, not {raw_pos!r}"
            )
        out[slug] = pos
    return out


def _check_assume(assume: Mapping[str, Position]) -> None:
    for slug, pos in assume.items():
        if pos is not None and (isinstance(pos, bool) or pos not in POSITIONS):
            raise ValueError(f"assumed position for {slug} must be -2..2 or None, not {pos!r}")


Resolver = Callable[[str], StanceRef]


def _resolver(
    option: str, current: Mapping[StanceKey, Stance], assume: Mapping[str, Position]
) -> Resolver:
    """Stakeholder -> the stance that counts for this option, an assumption taking precedence."""

    def resolve(stakeholder: str) -> StanceRef:
        if stakeholder in assume:
            pos = assume[stakeholder]
            return StanceRef(
                stakeholder=stakeholder,
                position=pos,
                date=None,
                summary=f"Assumed for this analysis: {POSITION_LABELS[pos].lower()}.",
                sources=(),
                hypothetical=True,
            )
        s = current.get((stakeholder, option))
        if s is None:
            return StanceRef(stakeholder, None, None, "", (), hypothetical=False, recorded=False)
        return StanceRef(
            stakeholder=stakeholder,
            position=s.pos,
            date=s.date,
            summary=s.summary,
            sources=tuple(s.sources),
            hypothetical=False,
            quote=s.quote,
            quote_by=s.quote_by,
            via=s.via if s.signatories else None,
            signatories=s.signatories,
        )

    return resolve


# --- wording -------------------------------------------------------------------------------


Label = Callable[[str], str]
MAX_NAMED = 6  # name at most this many stakeholders in one sentence


def _labeller(ds: Dataset) -> Label:
    """Reasons are read by people: name stakeholders, falling back to the slug."""
    names = {s.slug: s.name for s in ds.stakeholders}
    return lambda slug: names.get(slug, slug)


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _the(title: str, *, cap: bool = True) -> str:
    if title.lower().startswith("the "):
        title = title[4:]
    return f"{'The' if cap else 'the'} {title}"


def _unknown_clause(names: Sequence[str], *, also: bool = False) -> str:
    more = "also " if also else ""
    if len(names) > MAX_NAMED:
        # Long lists read badly in a sentence; pages list every name beside the reason.
        return f"the positions of {len(names)} of them are {more}unknown"
    if len(names) == 1:
        return f"the position of {names[0]} is {more}unknown"
    return f"the positions of {_join(names)} are {more}unknown"


def _opposes_clause(names: Sequence[str]) -> str:
    if len(names) == 1:
        return f"{names[0]} opposes and can block it"
    return f"{_join(names)} oppose, and each can block it"


_MAJORITY_TEXT = {"majority": "a majority", "two-thirds": "a two-thirds majority"}


def _count(n: int, verb: str, tail: str = "") -> str:
    # "1 supports", "2 support": the counts are read as a sentence.
    if n == 1:
        return f"1 {verb}s" + (f" {tail}s" if tail else "")
    return f"{n} {verb}" + (f" {tail}" if tail else "")


def _needed(rule: str, n: int) -> int:
    if rule == "two-thirds":
        return (2 * n + 2) // 3  # at least two thirds, rounded up
    return n // 2 + 1  # more than half


# --- one step ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Outcome:
    """What a rule decides for one step; turned into a StepVeto by the caller."""

    veto_holders: tuple[str, ...]
    blockers: tuple[str, ...]
    uncertain: tuple[str, ...]
    supporters: tuple[str, ...]
    opposers: tuple[str, ...]
    status: Verdict
    reason: str
    stances: tuple[StanceRef, ...]
    named: tuple[str, ...]  # stakeholders the verdict explicitly rests on
    vote: VoteCount | None = None


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def veto_verdict(
    body: Body,
    holders: Sequence[str],
    blockers: Sequence[str],
    uncertain: Sequence[str],
    label: Label,
) -> tuple[VetoStatus, str]:
    """A veto body's verdict from its veto holders, those who oppose and those unknown (each
    in holder order). Shared with the timeline, which keeps these lists up to date itself."""
    who = _the(body.title)
    if body.rule == "unanimity":
        lead, nobody = f"{who} decides by unanimity, so every member holds a veto", "no member"
    else:
        lead, nobody = f"{who} gives a veto to {_join([label(h) for h in holders])}", "none of them"
    # A long list of unknowns is counted, not named: no need to look their names up.
    unknown = [label(u) for u in uncertain] if len(uncertain) <= MAX_NAMED else uncertain
    if blockers:
        reason = f"{lead}; {_opposes_clause([label(b) for b in blockers])}"
        if uncertain:
            reason += f"; {_unknown_clause(unknown, also=True)}"
        return VetoStatus.BLOCKED, reason + "."
    if uncertain:
        return VetoStatus.UNCERTAIN, (
            f"{lead}; {_unknown_clause(unknown)}, so a veto cannot be ruled out."
        )
    return VetoStatus.CLEAR, f"{lead}; {nobody} opposes."


def _veto_outcome(body: Body, resolve: Resolver, label: Label) -> _Outcome:
    members = tuple(body.members)
    holders = members if body.rule == "unanimity" else _unique(body.veto)
    everyone = _unique((*members, *holders))
    refs = {s: resolve(s) for s in everyone}
    pos = {s: r.position for s, r in refs.items()}
    supporters = tuple(s for s in everyone if (pos[s] or 0) > 0)
    opposers = tuple(s for s in everyone if (pos[s] or 0) < 0)
    stances = tuple(refs[s] for s in holders)
    who = _the(body.title)
    if body.rule == "unanimity" and not holders:
        # Unanimity of an unlisted membership: nobody can say whether someone would object.
        reason = (
            f"{who} decides by unanimity, but the dataset lists no members, "
            "so stakeholder stances cannot settle that vote."
        )
        return _Outcome((), (), (), supporters, opposers, VetoStatus.UNCERTAIN, reason, stances, ())
    blockers = tuple(s for s in holders if (pos[s] or 0) < 0)
    uncertain = tuple(s for s in holders if pos[s] is None)
    status, reason = veto_verdict(body, holders, blockers, uncertain, label)
    return _Outcome(
        holders,
        blockers,
        uncertain,
        supporters,
        opposers,
        status,
        reason,
        stances,
        (*blockers, *uncertain),
    )


def _majority_outcome(body: Body, resolve: Resolver, label: Label) -> _Outcome:
    members = _unique(body.members)
    refs = tuple(resolve(s) for s in members)
    pos = {r.stakeholder: r.position for r in refs}
    supporters = tuple(s for s in members if (pos[s] or 0) > 0)
    opposers = tuple(s for s in members if (pos[s] or 0) < 0)
    unknown = tuple(s for s in members if pos[s] is None)
    who, rule_text = _the(body.title), _MAJORITY_TEXT[body.rule]
    if not members or unknown:
        # The voters are not all stakeholders with known positions: a count would be invented.
        if not members:
            lead = f"{who} decides by {rule_text} of its members, who are not stakeholders here"
        else:
            lead = f"{who} decides by {rule_text}; {_unknown_clause([label(u) for u in unknown])}"
        reason = f"{lead}; stakeholder stances cannot settle that vote."
        return _Outcome((), (), (), supporters, opposers, VetoStatus.UNCERTAIN, reason, refs, ())
    n = len(members)
    need = _needed(body.rule, n)
    neutral = n - len(supporters) - len(opposers)
    counts = (
        f"{who} decides by {rule_text}, so {need} of its {n} members must agree; "
        f"{_count(len(supporters), 'support')}, "
        f"{_count(neutral, 'neither support', 'nor oppose')} "
        f"and {_count(len(opposers), 'oppose')}"
    )
    if len(supporters) >= need:
        status = VetoStatus.CLEAR
        reason = f"{counts}, so it passes."
    elif n - len(opposers) < need:
        status = VetoStatus.BLOCKED
        reason = f"{counts}, so it cannot pass."
    else:
        status = VetoStatus.UNCERTAIN
        reason = f"{counts}, so the outcome turns on those who neither support nor oppose."
    return _Outcome((), (), (), supporters, opposers, status, reason, refs, members)


def _coalition_outcome(
    body: Body, resolve: Resolver, stakeholders: Sequence[str], label: Label
) -> _Outcome:
    # An open coalition (no listed members) is open to every stakeholder.
    candidates = _unique(body.members) if body.members else tuple(stakeholders)
    refs = tuple(resolve(s) for s in candidates)
    supporters = tuple(r.stakeholder for r in refs if (r.position or 0) > 0)
    opposers = tuple(r.stakeholder for r in refs if (r.position or 0) < 0)
    parts = ["No veto: each participant decides for itself."]
    if supporters:
        parts.append(f"Committed: {', '.join(label(s) for s in supporters)}.")
    if opposers:
        parts.append(f"Declined: {', '.join(label(s) for s in opposers)}.")
    if not supporters and not opposers:
        parts.append("Nobody has committed or declined yet.")
    stances = tuple(r for r in refs if r.recorded or r.hypothetical)
    return _Outcome(
        (),
        (),
        (),
        supporters,
        opposers,
        VetoStatus.CLEAR,
        " ".join(parts),
        stances,
        supporters + opposers,
    )


_SEAT_RULE_TEXT = {
    "majority-members": "a majority of all seats",
    "majority-present": "a majority of those present",
    "two-thirds-present": "two thirds of those present",
    "fixed": "a fixed number of votes",
    "qualified-majority": "a qualified majority",
}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def seat_threshold(body: Body) -> int:
    """Votes needed, counting every seated member as present (vacancies are not present)."""
    seats = body.seats or 0
    filled = sum(b.seats for b in body.blocs)
    if body.rule == "majority-members":
        return seats // 2 + 1
    if body.rule == "majority-present":
        return filled // 2 + 1
    if body.rule == "two-thirds-present":
        return (2 * filled + 2) // 3
    if body.rule == "fixed":
        return body.threshold or 0
    # qualified majority: the member count part; population is checked beside it
    return math.ceil(round((body.member_share or 0) * len(body.blocs), 9))


def _seat_outcome(body: Body, resolve: Resolver, label: Label) -> _Outcome:
    blocs = tuple(body.blocs)
    refs = tuple(resolve(b.stakeholder) for b in blocs)
    pos = {r.stakeholder: r.position for r in refs}
    who = _the(body.title)
    supporters = tuple(b.stakeholder for b in blocs if (pos[b.stakeholder] or 0) > 0)
    opposers = tuple(b.stakeholder for b in blocs if (pos[b.stakeholder] or 0) < 0)
    qmv = body.rule == "qualified-majority"
    # Under a qualified majority each bloc is one member (a state) and also weighs by population.
    weight = {b.stakeholder: (1 if qmv else b.seats) for b in blocs}

    def total(cond: Callable[[Position], bool]) -> int:
        return sum(weight[b.stakeholder] for b in blocs if cond(pos[b.stakeholder]))

    seats = len(blocs) if qmv else body.seats or 0
    filled = sum(weight.values())
    in_favour = total(lambda p: p is not None and p > 0)
    against = total(lambda p: p is not None and p < 0)
    neutral = total(lambda p: p == 0)
    unknown = total(lambda p: p is None)
    need = seat_threshold(body)
    passes = in_favour >= need
    reachable = filled - against >= need
    population_text = ""
    pop_for = all_pop = 0.0
    if qmv:
        pop = {b.stakeholder: b.population or 0.0 for b in blocs}
        all_pop = sum(pop.values())
        need_pop = (body.population_share or 0) * all_pop
        pop_for = sum(pop[s] for s in supporters)
        pop_open = all_pop - sum(pop[s] for s in opposers)
        passes = passes and pop_for >= need_pop
        reachable = reachable and pop_open >= need_pop
        population_text = (
            f" holding {round(100 * (body.population_share or 0))} % of the population"
        )
    outcome: Literal["passes", "blocked", "uncertain"] = (
        "passes" if passes else "uncertain" if reachable else "blocked"
    )
    unit = "members" if qmv else "votes"
    parts = [f"{in_favour} on record in favour"]
    if qmv:
        share = round(100 * pop_for / all_pop) if all_pop else 0
        parts[0] += f" ({share} % of the population)"
    if against:
        parts.append(f"{against} against")
    if neutral:
        parts.append(f"{neutral} neither for nor against")
    if unknown:
        parts.append(f"{unknown} unknown")
    vacant = seats - filled
    if vacant and not qmv:
        parts.append(f"{_plural(vacant, 'seat')} vacant")
    rule_text = _SEAT_RULE_TEXT[body.rule]
    arithmetic = (
        f"{who} needs {need} of {seats} {unit}{population_text} ({rule_text}); {', '.join(parts)}"
    )
    if outcome == "passes":
        status = VetoStatus.CLEAR
        reason = f"{arithmetic}, so it passes."
    elif outcome == "blocked":
        status = VetoStatus.BLOCKED
        reason = f"{arithmetic}, so it cannot pass."
    else:
        status = VetoStatus.UNCERTAIN
        reason = f"{arithmetic}, so the outcome is open."
    vote = VoteCount(
        rule=body.rule,
        seats=seats,
        vacant=vacant,
        need=need,
        need_text=rule_text,
        in_favour=in_favour,
        against=against,
        neutral=neutral,
        unknown=unknown,
        outcome=outcome,
    )
    named = opposers if outcome == "blocked" else supporters if passes else ()
    return _Outcome((), (), (), supporters, opposers, status, reason, refs, named, vote)


def _outcome(body: Body, resolve: Resolver, stakeholders: Sequence[str], label: Label) -> _Outcome:
    if body.rule in SEAT_RULES:
        return _seat_outcome(body, resolve, label)
    if body.rule in ("unanimity", "veto-members"):
        return _veto_outcome(body, resolve, label)
    if body.rule in _MAJORITY_TEXT:
        return _majority_outcome(body, resolve, label)
    return _coalition_outcome(body, resolve, stakeholders, label)


def _verdict_key(o: _Outcome) -> tuple[object, ...]:
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
    step_veto = _step_politics(ordinal, step, body, resolve, resolve_actual, stakeholders, label)
    return with_bars(step_veto, bars)


def with_bars(step_veto: StepVeto, bars: tuple[Bar, ...]) -> StepVeto:
    """The step as the conditions in force leave it."""
    if not bars:
        return step_veto
    # Law comes before politics: whatever the stances, the step cannot happen while it holds.
    names = _join([f"{b.title.lower()} (in force since {b.since.human()})" for b in bars])
    return replace(
        step_veto,
        status=VetoStatus.BARRED,
        reason=f"Barred while {names} lasts. {step_veto.reason}",
        bars=bars,
    )


def analyse_step(
    ordinal: int,
    step: Step,
    bodies: Mapping[str, Body],
    current: Mapping[StanceKey, Stance],
    option: str,
    ds: Dataset,
) -> StepVeto:
    """One step of an option on the recorded stances `current`, before any condition bars it
    (see `with_bars`); no assumptions."""
    return _step_politics(
        ordinal,
        step,
        bodies.get(step.body),
        _resolver(option, current, {}),
        None,
        [s.slug for s in ds.stakeholders],
        _labeller(ds),
    )


def _step_politics(
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
        )
    out = _outcome(body, resolve, stakeholders, label)
    hypothetical = False
    if resolve_actual is not None:
        # An assumption affects a step when the verdict would differ without it, or when the
        # verdict names a stakeholder whose position was assumed.
        named = set(out.named)
        hypothetical = any(r.hypothetical and r.stakeholder in named for r in out.stances) or (
            _verdict_key(out) != _verdict_key(_outcome(body, resolve_actual, stakeholders, label))
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
    )


# --- one option ----------------------------------------------------------------------------


STATUS_ORDER: dict[str, int] = {s.value: s.rank for s in VetoStatus}


def _worst(statuses: Iterable[str]) -> VetoStatus:
    # Barred (law) outranks blocked (politics): no change of stance can open a barred option.
    return VetoStatus(max(statuses, key=STATUS_ORDER.__getitem__, default="clear"))


def _option_reason(
    status: Verdict,
    steps: Sequence[StepVeto],
    blockers: Sequence[str],
    label: Label,
    bars: Sequence[Bar] = (),
) -> str:
    if status == "barred":
        titles = _join(list(dict.fromkeys(b.title.lower() for b in bars)))
        where = _join(list(dict.fromkeys(b.where for b in bars)))
        return f"Barred while {titles} lasts: {where} cannot happen until it ends."
    if not steps:
        return "Clear: the dataset lists no decision body that has to agree."
    if status == "clear":
        return "Clear: no step has a veto holder who opposes or whose position is unknown."
    first = next(s for s in steps if s.status == status)
    if status == "blocked" and blockers:
        who = _join([label(b) for b in blockers])
        where = _join([_the(s.title, cap=False) for s in steps if s.blockers])
        return f"Blocked: {who} can veto it in {where}."
    word = "Blocked" if status == "blocked" else "Uncertain"
    return f"{word}: {first.reason}"


def option_verdict(
    steps: Sequence[StepVeto], hurdle_bars: Sequence[Bar], label: Label
) -> tuple[VetoStatus, str]:
    """An option's status and reason from its steps and the bars on its hurdles."""
    status = _worst([*(s.status for s in steps), *([VetoStatus.BARRED] if hurdle_bars else [])])
    blockers = _unique(b for s in steps for b in s.blockers)
    bars = (*(b for s in steps for b in s.bars), *hurdle_bars)
    return status, _option_reason(status, steps, blockers, label, bars)


def _bars(
    barred_by: Sequence[str], where: str, in_force: Mapping[str, Condition]
) -> tuple[Bar, ...]:
    return tuple(
        Bar(c, in_force[c].title, in_force[c].since, where) for c in barred_by if c in in_force
    )


def step_bars(
    step: Step, bodies: Mapping[str, Body], in_force: Mapping[str, Condition]
) -> tuple[Bar, ...]:
    where = (
        f"{step.action} ({_the(bodies[step.body].title, cap=False)})"
        if step.body in bodies
        else step.action
    )
    return _bars(step.barred_by, where, in_force)


def option_hurdle_bars(option: Option, in_force: Mapping[str, Condition]) -> tuple[Bar, ...]:
    return tuple(b for h in option.hurdles for b in _bars(h.barred_by, h.instrument, in_force))


def _analyse(
    option: Option,
    bodies: Mapping[str, Body],
    stakeholders: Sequence[str],
    current: Mapping[StanceKey, Stance],
    assume: Mapping[str, Position],
    label: Label,
    in_force: Mapping[str, Condition],
) -> VetoAnalysis:
    resolve = _resolver(option.slug, current, assume)
    resolve_actual = _resolver(option.slug, current, {}) if assume else None
    steps = tuple(
        _step(
            i,
            st,
            bodies.get(st.body),
            resolve,
            resolve_actual,
            stakeholders,
            label,
            step_bars(st, bodies, in_force),
        )
        for i, st in enumerate(option.steps, start=1)
    )
    hurdle_bars = option_hurdle_bars(option, in_force)
    bars = (*(b for s in steps for b in s.bars), *hurdle_bars)
    # Blockers and uncertain holders are listed once, where they first appear; a blocker's
    # bodies gather every step at which it could veto.
    blocker_bodies: dict[str, list[str]] = {}
    blocker_stance: dict[str, StanceRef] = {}
    for s in steps:
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
    uncertain = _unique(u for s in steps for u in s.uncertain)
    # Option without steps: no veto holder anywhere, so by the model it is clear.
    status, reason = option_verdict(steps, hurdle_bars, label)
    return VetoAnalysis(
        option=option.slug,
        status=status,
        steps=steps,
        blockers=blockers,
        uncertain=uncertain,
        hypothetical=any(s.hypothetical for s in steps),
        reason=reason,
        bars=bars,
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
    current: Mapping[StanceKey, Stance] | None = None,
    assume: Mapping[str, Position] | None = None,
    in_force: Mapping[str, Condition] | None = None,
) -> VetoAnalysis:
    """The veto analysis of one option. Raises KeyError for an unknown option slug.

    `current` may be passed when the caller already holds `current_stances(ds.stances)`.
    `assume` overrides stakeholders' positions (None = unknown) on every option.
    """
    opt = next((o for o in ds.options if o.slug == option), None)
    if opt is None:
        raise KeyError(option)
    assume = dict(assume or {})
    _check_assume(assume)
    if current is None:
        current = current_stances(expand_stances(ds))
    bodies = {b.slug: b for b in ds.bodies}
    stakeholders = [s.slug for s in ds.stakeholders]
    if in_force is None:
        in_force = conditions_in_force(ds, dt.date.today())
    return _analyse(opt, bodies, stakeholders, current, assume, _labeller(ds), in_force)


def analyse_all(
    ds: Dataset,
    *,
    current: Mapping[StanceKey, Stance] | None = None,
    assume: Mapping[str, Position] | None = None,
    in_force: Mapping[str, Condition] | None = None,
) -> dict[str, VetoAnalysis]:
    """option slug -> veto analysis, in dataset order. Stances are indexed once for all options
    (or not at all, when the caller already holds `current_stances(ds.stances)`)."""
    assume = dict(assume or {})
    _check_assume(assume)
    if current is None:
        current = current_stances(expand_stances(ds))
    bodies = {b.slug: b for b in ds.bodies}
    stakeholders = [s.slug for s in ds.stakeholders]
    label = _labeller(ds)
    if in_force is None:
        in_force = conditions_in_force(ds, dt.date.today())
    return {
        o.slug: _analyse(o, bodies, stakeholders, current, assume, label, in_force)
        for o in ds.options
    }
