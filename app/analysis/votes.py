"""What one decision body's rule decides from the stances of its members: vetoes, majorities
of listed members, coalitions, and votes by seats with their arithmetic. Each outcome carries
its reason in words. Pure: no FastAPI, no database, no I/O."""

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from app.analysis.stances import Resolver, StanceRef
from app.dataset.schema import SEAT_RULES, Body, Dataset
from app.dataset.vocabulary import Position, UncertainKind, VetoStatus


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


# --- wording -------------------------------------------------------------------------------


Label = Callable[[str], str]
MAX_NAMED = 6  # name at most this many stakeholders in one sentence


def labeller(ds: Dataset) -> Label:
    """Reasons are read by people: name stakeholders, falling back to the slug."""
    names = {s.slug: s.name for s in ds.stakeholders}
    return lambda slug: names.get(slug, slug)


def join_names(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def the(title: str, *, cap: bool = True) -> str:
    if title.lower().startswith("the "):
        title = title[4:]
    return f"{'The' if cap else 'the'} {title}"


def _unknown_clause(slugs: Sequence[str], label: Label, *, also: bool = False) -> str:
    more = "also " if also else ""
    if len(slugs) > MAX_NAMED:
        # Long lists read badly in a sentence; pages list every name beside the reason.
        return f"the positions of {len(slugs)} of them are {more}unknown"
    names = [label(s) for s in slugs]
    if len(names) == 1:
        return f"the position of {names[0]} is {more}unknown"
    return f"the positions of {join_names(names)} are {more}unknown"


def _opposes_clause(names: Sequence[str]) -> str:
    if len(names) == 1:
        return f"{names[0]} opposes and can block it"
    return f"{join_names(names)} oppose, and each can block it"


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
class Outcome:
    """What a rule decides for one step; turned into a StepVeto by the caller."""

    veto_holders: tuple[str, ...]
    blockers: tuple[str, ...]
    uncertain: tuple[str, ...]
    supporters: tuple[str, ...]
    opposers: tuple[str, ...]
    status: VetoStatus
    reason: str
    stances: tuple[StanceRef, ...]
    named: tuple[str, ...]  # stakeholders the verdict explicitly rests on
    vote: VoteCount | None = None
    uncertain_kind: UncertainKind | None = None


def unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _veto_outcome(body: Body, resolve: Resolver, label: Label) -> Outcome:
    members = tuple(body.members)
    holders = holders_of(body)
    everyone = unique((*members, *holders))
    refs = {s: resolve(s) for s in everyone}
    pos = {s: r.position for s, r in refs.items()}
    supporters = tuple(s for s in everyone if (pos[s] or 0) > 0)
    opposers = tuple(s for s in everyone if (pos[s] or 0) < 0)
    stances = tuple(refs[s] for s in holders)
    who = the(body.title)
    if body.rule == "unanimity" and not holders:
        # Unanimity of an unlisted membership: nobody can say whether someone would object.
        reason = (
            f"{who} decides by unanimity, but the dataset lists no members, "
            "so stakeholder stances cannot settle that vote."
        )
        return Outcome(
            (),
            (),
            (),
            supporters,
            opposers,
            VetoStatus.UNCERTAIN,
            reason,
            stances,
            (),
            None,
            "unsettled",
        )
    blockers = tuple(s for s in holders if (pos[s] or 0) < 0)
    uncertain = tuple(s for s in holders if pos[s] is None)
    status, reason = veto_verdict(body, holders, blockers, uncertain, label)
    return Outcome(
        holders,
        blockers,
        uncertain,
        supporters,
        opposers,
        status,
        reason,
        stances,
        (*blockers, *uncertain),
        uncertain_kind="silent" if status == VetoStatus.UNCERTAIN else None,
    )


def holders_of(body: Body) -> tuple[str, ...]:
    """Who holds a veto at a unanimity or veto-members body."""
    return tuple(body.members) if body.rule == "unanimity" else unique(body.veto)


def veto_verdict(
    body: Body,
    holders: Sequence[str],
    blockers: Sequence[str],
    uncertain: Sequence[str],
    label: Label,
) -> tuple[VetoStatus, str]:
    """A veto body's status and reason, from its holders who oppose and those not known."""
    who = the(body.title)
    if body.rule == "unanimity":
        lead, nobody = f"{who} decides by unanimity, so every member holds a veto", "no member"
    else:
        lead, nobody = (
            f"{who} gives a veto to {join_names([label(h) for h in holders])}",
            "none of them",
        )
    if blockers:
        reason = f"{lead}; {_opposes_clause([label(b) for b in blockers])}"
        if uncertain:
            reason += f"; {_unknown_clause(uncertain, label, also=True)}"
        return VetoStatus.BLOCKED, reason + "."
    if uncertain:
        return VetoStatus.UNCERTAIN, (
            f"{lead}; {_unknown_clause(uncertain, label)}, so a veto cannot be ruled out."
        )
    return VetoStatus.CLEAR, f"{lead}; {nobody} opposes."


def _majority_outcome(body: Body, resolve: Resolver, label: Label) -> Outcome:
    members = unique(body.members)
    refs = tuple(resolve(s) for s in members)
    pos = {r.stakeholder: r.position for r in refs}
    supporters = tuple(s for s in members if (pos[s] or 0) > 0)
    opposers = tuple(s for s in members if (pos[s] or 0) < 0)
    unknown = tuple(s for s in members if pos[s] is None)
    who, rule_text = the(body.title), _MAJORITY_TEXT[body.rule]
    if not members or unknown:
        # The voters are not all stakeholders with known positions: a count would be invented.
        if not members:
            lead = f"{who} decides by {rule_text} of its members, who are not stakeholders here"
        else:
            lead = f"{who} decides by {rule_text}; {_unknown_clause(unknown, label)}"
        reason = f"{lead}; stakeholder stances cannot settle that vote."
        return Outcome(
            (),
            (),
            (),
            supporters,
            opposers,
            VetoStatus.UNCERTAIN,
            reason,
            refs,
            (),
            None,
            "unsettled",
        )
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
    kind: UncertainKind | None = "open-vote" if status == VetoStatus.UNCERTAIN else None
    return Outcome((), (), (), supporters, opposers, status, reason, refs, members, None, kind)


def _coalition_outcome(
    body: Body, resolve: Resolver, stakeholders: Sequence[str], label: Label
) -> Outcome:
    # An open coalition (no listed members) is open to every stakeholder.
    candidates = unique(body.members) if body.members else tuple(stakeholders)
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
    return Outcome(
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


def _seat_outcome(body: Body, resolve: Resolver, label: Label) -> Outcome:
    # long: the seat arithmetic of one vote read in one pass: counts, threshold, verdict, wording
    blocs = tuple(body.blocs)
    refs = tuple(resolve(b.stakeholder) for b in blocs)
    pos = {r.stakeholder: r.position for r in refs}
    who = the(body.title)
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
    # No bloc has a position: no vote has been held, which "0 on record in favour" hides.
    not_held = not (in_favour or against or neutral)
    parts = ["no recorded vote yet" if not_held else f"{in_favour} on record in favour"]
    if qmv and not not_held:
        share = round(100 * pop_for / all_pop) if all_pop else 0
        parts[0] += f" ({share} % of the population)"
    if against:
        parts.append(f"{against} against")
    if neutral:
        parts.append(f"{neutral} neither for nor against")
    if unknown and not not_held:
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
    kind: UncertainKind | None = None
    if status == VetoStatus.UNCERTAIN:
        kind = "vote-not-held" if not_held else "open-vote"
    return Outcome((), (), (), supporters, opposers, status, reason, refs, named, vote, kind)


def rule_outcome(
    body: Body, resolve: Resolver, stakeholders: Sequence[str], label: Label
) -> Outcome:
    if body.rule in SEAT_RULES:
        return _seat_outcome(body, resolve, label)
    if body.rule in ("unanimity", "veto-members"):
        return _veto_outcome(body, resolve, label)
    if body.rule in _MAJORITY_TEXT:
        return _majority_outcome(body, resolve, label)
    return _coalition_outcome(body, resolve, stakeholders, label)
