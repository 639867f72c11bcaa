"""Veto analysis: who could stop an option, at which decision body, and on what stated grounds.

It follows the model (DESIGN.md, "Veto analysis"): walk an option's decision steps in order.
A member holding a veto at that body whose current stance opposes the option is a blocker;
a veto holder whose position is unknown is uncertain. Nothing here guesses a vote: where
stakeholder stances cannot settle a vote (majorities of people who are not stakeholders),
the verdict says so and stays "uncertain".

Pure functions over `app.dataset.schema` models: no FastAPI, no database, no I/O.
"""

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from app.dataset.schema import POSITIONS, Body, Cite, Dataset, Option, Stance, Step

Position = int | None  # None = unknown
Verdict = Literal["clear", "uncertain", "blocked"]
StanceKey = tuple[str, str]  # (stakeholder, option)

POSITION_LABELS: dict[Position, str] = {
    -2: "strongly opposes",
    -1: "opposes",
    0: "neither supports nor opposes",
    1: "supports",
    2: "strongly supports",
    None: "position unknown",
}
_SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class StanceRef:
    """The stance a verdict rests on: recorded in the dataset, or assumed by the reader."""

    stakeholder: str
    position: Position
    date: dt.date | None
    summary: str
    sources: tuple[Cite, ...]
    hypothetical: bool  # True when it comes from an assumption, not from the dataset
    recorded: bool = True  # False when the dataset holds no stance at all (and none was assumed)
    quote: str | None = None
    quote_by: str | None = None


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


# --- stances -------------------------------------------------------------------------------


def _stance_order(s: Stance) -> tuple[bool, dt.date]:
    # Undated stances (only "unknown" may lack a date) carry no claim about when they held,
    # so any dated stance is taken as more recent than them.
    return (s.date is not None, s.date or dt.date.min)


def current_stances(stances: Sequence[Stance]) -> dict[StanceKey, Stance]:
    """(stakeholder, option) -> the current stance: the latest by date.

    On equal dates the one later in the list wins, so a dataset author can correct an entry by
    appending. An explicit "unknown" is a stance like any other: if it is the latest, the
    position is unknown even when an older stance was known. Undated entries count as older
    than any dated one.
    """
    out: dict[StanceKey, Stance] = {}
    for s in stances:
        key = (s.stakeholder, s.option)
        prev = out.get(key)
        if prev is None or _stance_order(s) >= _stance_order(prev):
            out[key] = s
    return out


def parse_assumptions(pairs: Iterable[tuple[str, str]]) -> dict[str, Position]:
    """("hu", "0") -> {"hu": 0}; ("sk", "unknown") -> {"sk": None}. The last pair for a slug wins.

    Raises ValueError with a message fit for the reader on a bad slug or position.
    """
    out: dict[str, Position] = {}
    for raw_slug, raw_pos in pairs:
        slug, value = raw_slug.strip(), raw_pos.strip()
        if not _SLUG_RE.match(slug):
            raise ValueError(f"assume: {raw_slug!r} is not a stakeholder slug")
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
                summary=f"Assumed for this analysis: {stakeholder} {POSITION_LABELS[pos]}.",
                sources=(),
                hypothetical=True,
            )
        s = current.get((stakeholder, option))
        if s is None:
            return StanceRef(stakeholder, None, None, "", (), hypothetical=False, recorded=False)
        return StanceRef(
            stakeholder=stakeholder,
            position=None if s.position == "unknown" else int(s.position),
            date=s.date,
            summary=s.summary,
            sources=tuple(s.sources),
            hypothetical=False,
            quote=s.quote,
            quote_by=s.quote_by,
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


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


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
        return _Outcome((), (), (), supporters, opposers, "uncertain", reason, stances, ())
    blockers = tuple(s for s in holders if pos[s] is not None and pos[s] < 0)
    uncertain = tuple(s for s in holders if pos[s] is None)
    if body.rule == "unanimity":
        lead, nobody = f"{who} decides by unanimity, so every member holds a veto", "no member"
    else:
        lead, nobody = f"{who} gives a veto to {_join([label(h) for h in holders])}", "none of them"
    if blockers:
        status: Verdict = "blocked"
        reason = f"{lead}; {_opposes_clause([label(b) for b in blockers])}"
        if uncertain:
            reason += f"; {_unknown_clause([label(u) for u in uncertain], also=True)}"
        reason += "."
    elif uncertain:
        status = "uncertain"
        reason = (
            f"{lead}; {_unknown_clause([label(u) for u in uncertain])}, "
            "so a veto cannot be ruled out."
        )
    else:
        status = "clear"
        reason = f"{lead}; {nobody} opposes."
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
        return _Outcome((), (), (), supporters, opposers, "uncertain", reason, refs, ())
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
        status: Verdict = "clear"
        reason = f"{counts}, so it passes."
    elif n - len(opposers) < need:
        status = "blocked"
        reason = f"{counts}, so it cannot pass."
    else:
        status = "uncertain"
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
        (), (), (), supporters, opposers, "clear", " ".join(parts), stances, supporters + opposers
    )


def _outcome(body: Body, resolve: Resolver, stakeholders: Sequence[str], label: Label) -> _Outcome:
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
            status="uncertain",
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
    )


# --- one option ----------------------------------------------------------------------------


def _worst(statuses: Iterable[Verdict]) -> Verdict:
    seen = set(statuses)
    if "blocked" in seen:
        return "blocked"
    return "uncertain" if "uncertain" in seen else "clear"


def _option_reason(
    status: Verdict, steps: Sequence[StepVeto], blockers: Sequence[Blocker], label: Label
) -> str:
    if not steps:
        return "Clear: the dataset lists no decision body that has to agree."
    if status == "clear":
        return "Clear: no step has a veto holder who opposes or whose position is unknown."
    first = next(s for s in steps if s.status == status)
    if status == "blocked" and blockers:
        who = _join([label(b.stakeholder) for b in blockers])
        where = _join([_the(s.title, cap=False) for s in steps if s.blockers])
        return f"Blocked: {who} can veto it in {where}."
    word = "Blocked" if status == "blocked" else "Uncertain"
    return f"{word}: {first.reason}"


def _analyse(
    option: Option,
    bodies: Mapping[str, Body],
    stakeholders: Sequence[str],
    current: Mapping[StanceKey, Stance],
    assume: Mapping[str, Position],
    label: Label,
) -> VetoAnalysis:
    resolve = _resolver(option.slug, current, assume)
    resolve_actual = _resolver(option.slug, current, {}) if assume else None
    steps = tuple(
        _step(i, st, bodies.get(st.body), resolve, resolve_actual, stakeholders, label)
        for i, st in enumerate(option.steps, start=1)
    )
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
    status = _worst(s.status for s in steps)
    return VetoAnalysis(
        option=option.slug,
        status=status,
        steps=steps,
        blockers=blockers,
        uncertain=uncertain,
        hypothetical=any(s.hypothetical for s in steps),
        reason=_option_reason(status, steps, blockers, label),
    )


def analyse_option(
    ds: Dataset,
    option: str,
    *,
    current: Mapping[StanceKey, Stance] | None = None,
    assume: Mapping[str, Position] | None = None,
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
        current = current_stances(ds.stances)
    bodies = {b.slug: b for b in ds.bodies}
    stakeholders = [s.slug for s in ds.stakeholders]
    return _analyse(opt, bodies, stakeholders, current, assume, _labeller(ds))


def analyse_all(
    ds: Dataset,
    *,
    current: Mapping[StanceKey, Stance] | None = None,
    assume: Mapping[str, Position] | None = None,
) -> dict[str, VetoAnalysis]:
    """option slug -> veto analysis, in dataset order. Stances are indexed once for all options
    (or not at all, when the caller already holds `current_stances(ds.stances)`)."""
    assume = dict(assume or {})
    _check_assume(assume)
    if current is None:
        current = current_stances(ds.stances)
    bodies = {b.slug: b for b in ds.bodies}
    stakeholders = [s.slug for s in ds.stakeholders]
    label = _labeller(ds)
    return {o.slug: _analyse(o, bodies, stakeholders, current, assume, label) for o in ds.options}
