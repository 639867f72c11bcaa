"""An option's veto analysis in one line, for cards, summaries and preview images:
"Blocked: Hungary and Slovakia (Council of the European Union, unanimity)" or "Barred while
martial law lasts". Derived from `VetoAnalysis` only (blockers, steps, bars): no new judgement.

Pure: no FastAPI, no database."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from app.analysis.veto import StepVeto, VetoAnalysis
from app.analysis.veto_text import while_text
from app.dataset.vocabulary import VetoStatus

MAX_NAMED = 3  # more unknown veto holders than this are counted, not named
RULE_WORDS = {"unanimity": "unanimity", "veto-members": "veto"}


@dataclass(frozen=True)
class Named:
    slug: str
    name: str


@dataclass(frozen=True)
class Verdict:
    status: str  # clear / uncertain / blocked / barred
    text: str  # the whole line, starting with the status word
    detail: str  # the line without its leading "Blocked: ", for places that show the word apart
    who: tuple[Named, ...]  # the stakeholders the line names: blockers, else unknown holders
    hypothetical: bool
    uncertain_kind: str | None = None  # why, when uncertain (schema.UNCERTAIN_KINDS)
    route: str = ""  # the route the status is of, when the option has several
    # A barred option's blockers, apart from what bars it: "Hungary (European Council, unanimity)"
    blocked: str = ""


def join(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _the(title: str) -> str:
    return title if title.lower().startswith("the ") else f"the {title}"


def _where(step: StepVeto) -> str:
    rule = RULE_WORDS.get(step.rule)
    return f"{step.title}, {rule}" if rule else step.title


def _blocked(a: VetoAnalysis, name: Mapping[str, str]) -> tuple[str, tuple[Named, ...]]:
    if not a.blockers:
        # Known opposition defeats a vote by seats: nobody holds a veto alone.
        step = next(s for s in a.steps if s.status == "blocked")
        if step.vote:
            v = step.vote
            return (
                f"known opposition defeats the vote in {_the(step.title)} "
                f"(needs {v.need} of {v.seats}; {v.against} against)",
                (),
            )
        return step.reason, ()
    # Each blocker under the first body where it can veto, bodies in path order.
    groups: dict[str, list[str]] = {}
    for b in a.blockers:
        groups.setdefault(b.bodies[0], []).append(b.stakeholder)
    steps = {s.body: s for s in a.steps}
    parts = [
        f"{join([name.get(s, s) for s in who])} ({_where(steps[body])})"
        for body, who in groups.items()
    ]
    named = tuple(Named(b.stakeholder, name.get(b.stakeholder, b.stakeholder)) for b in a.blockers)
    return "; ".join(parts), named


def _uncertain(a: VetoAnalysis, name: Mapping[str, str]) -> tuple[str, tuple[Named, ...]]:
    step = next(s for s in a.steps if s.status == "uncertain")
    if step.uncertain:
        who = [name.get(s, s) for s in step.uncertain]
        if len(who) == 1:
            text = f"{who[0]}'s stance is unknown"
        elif len(who) <= MAX_NAMED + 1:  # "and 1 more" would hide a name for no gain
            text = f"the stances of {join(who)} are unknown"
        elif len(who) <= 2 * MAX_NAMED:
            more = len(who) - MAX_NAMED
            text = f"the stances of {', '.join(who[:MAX_NAMED])} and {more} more are unknown"
        else:
            text = f"the stances of {len(who)} veto holders are unknown"
        named = tuple(Named(s, name.get(s, s)) for s in step.uncertain)
        return f"{text} ({_where(step)})", named
    if step.vote:
        v = step.vote
        if step.uncertain_kind == "vote-not-held":
            return f"no recorded vote yet in {_the(step.title)} (needs {v.need} of {v.seats})", ()
        return (
            f"open vote in {_the(step.title)} (needs {v.need} of {v.seats}; "
            f"{v.in_favour} on record in favour)",
            (),
        )
    return f"stances cannot settle the vote in {_the(step.title)}", ()


def _barred_step(steps: Sequence[StepVeto]) -> str:
    """Where the path stops, and what goes on meanwhile: " at step 4 of 5 (Verkhovna Rada
    amending the Constitution); steps 1-3 can go on meanwhile"."""
    first = next((s for s in steps if s.bars), None)
    if first is None:
        return ""  # only a legal hurdle is barred: no step of the path is named
    k = first.ordinal
    text = f" at step {k} of {len(steps)} ({first.title})"
    if k == 2:
        text += "; step 1 can go on meanwhile"
    elif k > 2:
        text += f"; steps 1–{k - 1} can go on meanwhile"
    return text


def verdict(a: VetoAnalysis, names: Mapping[str, str]) -> Verdict:
    """The one-line verdict of an analysis; `names` maps stakeholder slugs to names. With
    several routes it names them, best first: "Clear by national commitments; uncertain by a
    NATO protocol (the stances of Hungary and Slovakia are unknown (…))"."""
    if len(a.routes) > 1:
        return _by_routes(a, names)
    return _one_route(a, names)


def _by_routes(a: VetoAnalysis, names: Mapping[str, str]) -> Verdict:
    best = _one_route(a, names)
    others = [(r, _one_route(r, names)) for r in a.routes if r.route != a.route]
    rest = "; ".join(f"{v.status} by {r.route_title} ({_plain(v)})" for r, v in others)
    detail = f"by {a.route_title} ({_plain(best)}); {rest}"
    text = f"{VetoStatus(best.status).label} {detail}"
    if a.hypothetical:
        text, detail = f"{text} (hypothetical)", f"{detail} (hypothetical)"
    return replace(best, text=text, detail=detail, route=a.route)


def _plain(v: Verdict) -> str:
    return v.detail.removesuffix(" (hypothetical)")


def _one_route(a: VetoAnalysis, names: Mapping[str, str]) -> Verdict:
    status = str(a.status)
    who: tuple[Named, ...] = ()
    blocked = ""
    if status == "barred":
        # The law that bars it, never the politicians: blockers are listed apart, as blockers.
        detail = f"Barred {while_text(a.bars)}{_barred_step(a.steps)}"
        text = detail
        if a.blockers:
            blocked, who = _blocked(a, names)
            text += f". Blockers: {blocked}"
    else:
        if status == "blocked":
            detail, who = _blocked(a, names)
        elif status == "uncertain":
            detail, who = _uncertain(a, names)
        elif a.steps:
            detail = "no veto holder opposes or is unknown"
        else:
            detail = "no decision body has to agree"
        text = f"{VetoStatus(status).label}: {detail}"
    if a.hypothetical:
        text += " (hypothetical)"
        detail += " (hypothetical)"
    return Verdict(status, text, detail, who, a.hypothetical, a.uncertain_kind, a.route, blocked)


def verdicts(analyses: Mapping[str, VetoAnalysis], names: Mapping[str, str]) -> dict[str, Verdict]:
    return {slug: verdict(a, names) for slug, a in analyses.items()}
