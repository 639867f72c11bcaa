"""The veto model: what a veto analysis says of an option, one route and one step: its status,
who blocks it or is unknown, the conditions that bar it, and why, in words.

The walk that fills it is in `app.analysis.walk`, the English in `app.analysis.veto_text`, the
stances it reads in `app.analysis.stances` and the seat arithmetic in `app.analysis.votes`.
Pure: no FastAPI, no database, no I/O.
"""

from dataclasses import dataclass

from app.analysis.stances import (
    StanceRef,
)
from app.analysis.votes import (
    VoteCount,
)
from app.dataset.dates import PartialDate
from app.dataset.schema import Cite
from app.dataset.vocabulary import UncertainKind, VetoStatus


@dataclass(frozen=True)
class Bar:
    """A condition in law or fact that stops a step or hurdle while it holds."""

    condition: str
    title: str
    since: PartialDate
    where: str  # the step or hurdle it bars, in words
    law: str = ""  # the law under which it bars, e.g. "Constitution of Ukraine, Art. 157"
    step: int | None = None  # the ordinal of the step it bars; None for a hurdle


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
    status: VetoStatus
    reason: str  # plain English, for the reader
    hypothetical: bool = False  # this step's verdict rests on an assumption
    stances: tuple[StanceRef, ...] = ()  # every stance the step consulted, in member order
    vote: VoteCount | None = None  # set for bodies that vote by seats
    bars: tuple[Bar, ...] = ()  # conditions in force that bar this step
    uncertain_kind: UncertainKind | None = None  # why, when the status is uncertain


@dataclass(frozen=True)
class Blocker:
    """What would have to change: who, at which bodies, and the stance they stated."""

    stakeholder: str
    bodies: tuple[str, ...]
    stance: StanceRef


@dataclass(frozen=True)
class VetoAnalysis:
    option: str
    status: VetoStatus
    steps: tuple[StepVeto, ...]
    blockers: tuple[Blocker, ...]  # unique per stakeholder, in order of first appearance
    uncertain: tuple[str, ...]  # unique stakeholder slugs, in order of first appearance
    hypothetical: bool  # any verdict rested on an assumption
    reason: str = ""  # one sentence summarising the option's verdict
    bars: tuple[Bar, ...] = ()  # every condition in force that bars a step or hurdle
    uncertain_kind: UncertainKind | None = None  # why, when the status is uncertain
    # The route this verdict is of: for an option, its best route, whose steps, blockers and
    # reason the fields above are; `routes` then holds every route's own analysis.
    route: str = ""
    route_title: str = ""
    route_note: str = ""
    route_sources: tuple[Cite, ...] = ()
    routes: tuple["VetoAnalysis", ...] = ()
