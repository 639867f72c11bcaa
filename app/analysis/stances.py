"""Stances as the veto analysis reads them: joint statements expanded to one stance per
signatory, the current stance per stakeholder, option and route, and the hypotheses of
`assume=`. Pure functions over `app.dataset.schema` models."""

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from app.analysis.labels import POSITION_LABELS
from app.dataset.dates import PartialDate
from app.dataset.schema import Cite, Dataset, Stance
from app.dataset.vocabulary import Position

StanceKey = tuple[str, str]  # (stakeholder, option)
RouteKey = tuple[str, str, str | None]  # (stakeholder, option, route or None for every route)

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
    outranks: str | None = None  # a joint statement of the same day this own one outranks


# --- stances -------------------------------------------------------------------------------


def stance_order(s: Stance) -> tuple[bool, dt.date, int, bool]:
    # Undated stances (only "unknown" may lack a date) carry no claim about when they held,
    # so any dated stance is taken as more recent than them. A partial date sorts by its
    # first day; on the same first day the more precise date is the later record.
    # On the same date a stakeholder's own statement outranks a joint one it signed.
    if s.date is None:
        return (False, dt.date.min, 0, s.joint is None)
    return (True, *s.date._key(), s.joint is None)


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
    return _mark_outranked(out)


def _mark_outranked(stances: list[Stance]) -> list[Stance]:
    """An own statement made on the day of a joint one the stakeholder signed (on the same
    option and route) outranks it; it carries the joint text's name so pages show both."""
    joint: dict[tuple[str, str, str | None, PartialDate | None], str | None] = {
        (s.who, s.option, s.route, s.date): s.via for s in stances if s.joint is not None and s.date
    }
    if not joint:
        return stances
    return [
        s.model_copy(update={"outranks": via})
        if s.joint is None and (via := joint.get((s.who, s.option, s.route, s.date)))
        else s
        for s in stances
    ]


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
        if prev is None or stance_order(s) >= stance_order(prev):
            out[key] = s
    return out


def route_stances(stances: Sequence[Stance]) -> dict[RouteKey, Stance]:
    """(stakeholder, option, route) -> the latest stance addressing that route alone; route
    None holds the latest of those addressing every route. A route's current stance is the
    later of its own and the every-route one (`_resolver`)."""
    out: dict[RouteKey, Stance] = {}
    for s in stances:
        put_stance(out, s)
    return out


def put_stance(current: dict[RouteKey, Stance], s: Stance) -> bool:
    """Record `s` under its (stakeholder, option, route) key unless the stance there orders
    after it (on a tie the one put later wins); True when it took the key."""
    key = (s.who, s.option, s.route)
    prev = current.get(key)
    if prev is None or stance_order(s) >= stance_order(prev):
        current[key] = s
        return True
    return False


Resolver = Callable[[str], StanceRef]


def _route_stance(
    current: Mapping[RouteKey, Stance], stakeholder: str, option: str, route: str
) -> Stance | None:
    every = current.get((stakeholder, option, None))
    own = current.get((stakeholder, option, route))
    if every is None or own is None:
        return every or own
    return own if stance_order(own) >= stance_order(every) else every


def resolver(
    option: str, route: str, current: Mapping[RouteKey, Stance], assume: Mapping[str, Position]
) -> Resolver:
    """Stakeholder -> the stance that counts for this route of the option: the latest of those
    addressing this route or every route, an assumption taking precedence."""

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
        s = _route_stance(current, stakeholder, option, route)
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
            outranks=s.outranks,
        )

    return resolve
