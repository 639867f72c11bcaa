"""Response models of the JSON API: each route declares one, so the OpenAPI spec documents it
and FastAPI checks every answer against it before sending."""

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from app.dataset.dates import PartialDate, Precision
from app.dataset.schema import Cite, Dossier
from app.dataset.vocabulary import UNCERTAIN_KINDS, UncertainKind, VetoStatus

# A recorded position: -2 (strongly oppose) .. +2 (strongly support), or "unknown".
Position = Annotated[int, Field(ge=-2, le=2)] | Literal["unknown"]


def _utc(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes that were written as UTC; RFC 3339 needs an offset.
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


UtcDatetime = Annotated[dt.datetime, AfterValidator(_utc)]


class Out(BaseModel):
    model_config = ConfigDict(frozen=True)


# --- errors ----------------------------------------------------------------------------------


class ErrorDetail(Out):
    code: str = Field(description="Machine-readable: bad_request, not_found, ...")
    message: str = Field(description="What was wrong, for a person")
    field: str | None = Field(description="The parameter at fault, if any")
    allowed: list[str] | None = Field(default=None, description="Values the parameter takes")
    suggestions: list[str] | None = Field(default=None, description="Close matches to a slug")
    problems: list["ProblemOut"] | None = Field(
        default=None, description="Every failing path and field (422 on a proposal)"
    )


class ProblemOut(Out):
    path: str = Field(description="JSON Pointer into the patched dataset, or the request field")
    message: str


class ErrorResponse(Out):
    error: ErrorDetail


# --- dataset -----------------------------------------------------------------------------------


class Health(Out):
    status: Literal["ok"]
    revision: int | None
    content_hash: str | None


class RevisionOut(Out):
    revision: int
    content_hash: str
    loaded_at: UtcDatetime
    dossier: Dossier


# --- options ---------------------------------------------------------------------------------


_WHY_SHORT = "Why uncertain (" + ", ".join(UNCERTAIN_KINDS) + "); null unless uncertain"


class OptionSummary(Out):
    slug: str
    title: str
    category: str
    status: str
    summary: str
    scores: dict[str, int] = Field(description="criterion slug -> score 1..5")
    max_hurdle: int = Field(description="Highest legal-hurdle severity, 0 when none")
    veto: VetoStatus = Field(description="The best route's veto status")
    veto_why: UncertainKind | None = Field(description=_WHY_SHORT)
    veto_route: str = Field(description="The route the veto status is of")
    href: str


class OptionList(Out):
    query: str = Field(description="The canonical query string of these filters")
    count: int
    total: int = Field(description="Number of options before filtering")
    options: list[OptionSummary]


class VoteOut(Out):
    """The arithmetic of a body that votes by seats."""

    rule: str
    seats: int
    vacant: int = Field(description="Seats held by nobody")
    need: int = Field(description="Votes (or members) needed to pass")
    need_text: str
    in_favour: int
    against: int
    neutral: int
    unknown: int
    outcome: Literal["passes", "blocked", "uncertain"]


class BarOut(Out):
    condition: str = Field(description="Slug of the condition in force")
    title: str
    since: PartialDate
    where: str = Field(description="The step or hurdle it bars")


class VetoStep(Out):
    body: str
    title: str
    rule: str
    action: str
    status: VetoStatus
    reason: str
    veto_holders: list[str]
    blockers: list[str]
    uncertain: list[str]
    supporters: list[str]
    vote: VoteOut | None = Field(description="Seat arithmetic, for bodies that vote by seats")
    bars: list[BarOut] = Field(description="Conditions in force that bar this step")


_WHY = _WHY_SHORT


class VetoRouteOut(Out):
    route: str = Field(description="The route's slug (`default` for plain `steps:`)")
    title: str
    note: str = Field(description="What this route can and cannot do")
    status: VetoStatus
    uncertain_kind: UncertainKind | None = Field(description=_WHY)
    reason: str
    steps: list[VetoStep]
    blockers: list[str]
    uncertain: list[str]


class VetoOut(Out):
    option: str
    status: VetoStatus = Field(description="The best route's status")
    uncertain_kind: UncertainKind | None = Field(description=_WHY)
    route: str = Field(description="The route the status is of (the best one)")
    reason: str
    hypothetical: bool = Field(description="Some verdict rests on an `assume` hypothesis")
    steps: list[VetoStep] = Field(description="The best route's steps")
    blockers: list[str] = Field(description="Stakeholder slugs that can veto and oppose")
    uncertain: list[str] = Field(description="Veto holders whose position is unknown")
    bars: list[BarOut] = Field(description="Conditions in force that bar a step or hurdle")
    routes: list[VetoRouteOut] = Field(description="Every route, any one of which suffices")
    at: dt.date | None = Field(description="The day the analysis is as of (`at=`); null: today")


class TimelinePointOut(Out):
    date: dt.date
    status: VetoStatus
    reason: str
    blockers: list[str]
    uncertain: list[str]
    events: list[str] = Field(description="What changed that day")


class StancePointOut(Out):
    date: PartialDate
    date_precision: Precision
    position: Position


class HolderSeriesOut(Out):
    stakeholder: str
    name: str
    stances: list[StancePointOut]


class TimelineOut(Out):
    option: str
    points: list[TimelinePointOut] = Field(
        description="The veto status on each date on which a relevant stance or condition changed"
    )
    holders: list[HolderSeriesOut] = Field(
        description="Each stakeholder on the decision path with dated stances on this option"
    )


class CellChangeOut(Out):
    group: str
    row: str
    option: str
    old: str
    new: str
    trend: Literal["better", "worse", "changed"] = Field(
        description="A score that moved the way its criterion calls better or worse; "
        "anything else (stances, ranges, hurdles, veto status) only changed."
    )


class RevisionChangesOut(Out):
    revision: int
    loaded_at: UtcDatetime
    note: str
    as_of: dt.date
    first: bool = Field(description="The first load: everything in it is new")
    added: list[str] = Field(description="Titles of options added")
    removed: list[str] = Field(description="Titles of options removed")
    changes: list[CellChangeOut]
    author: str = Field("", description="Who proposed it (a revision published from a proposal)")
    reviewer: str = Field("", description="Who approved it")


class ChangesOut(Out):
    revisions: list[RevisionChangesOut] = Field(description="Newest first")


# --- criteria and stakeholders -----------------------------------------------------------------


class CriterionOut(Out):
    slug: str
    title: str
    description: str
    direction: Literal["higher-is-better", "lower-is-better"]
    default_weight: int
    scale: dict[str, str] = Field(description="level 1..5 -> label")


class CriterionList(Out):
    criteria: list[CriterionOut]


class StanceOut(Out):
    stakeholder: str
    option: str
    date: PartialDate | None = Field(
        description="As the source gives it (YYYY, YYYY-MM or YYYY-MM-DD); only an unknown "
        "position may lack a date"
    )
    date_precision: Precision | None
    position: Position
    summary: str
    quote: str | None
    quote_by: str | None
    sources: list[Cite]
    current: bool = Field(description="The latest stance of this stakeholder on this option")
    via: str | None = Field(description="The joint statement this stance comes from, if any")
    signatories: int = Field(description="How many signed that joint statement (0: none)")


class StanceList(Out):
    query: str
    count: int
    stances: list[StanceOut]


class StakeholderSummary(Out):
    slug: str
    name: str
    kind: Literal["state", "organisation", "person"]
    notes: str
    stances: int = Field(description="Options on which a stance is recorded")
    known: int = Field(description="Options on which its latest position is known")
    seats: list["Seat"] = Field(description="Decision bodies it sits on")
    href: str


class StakeholderList(Out):
    stakeholders: list[StakeholderSummary]


class Seat(Out):
    body: str
    title: str
    rule: str
    veto: bool = Field(description="This stakeholder can block the body's decision alone")


class OptionStance(Out):
    option: str
    title: str
    position: Position | None = Field(description="Current position; null when none recorded")
    current: StanceOut | None
    history: list[StanceOut] = Field(description="Every stance on the option, latest first")


class StakeholderOut(Out):
    slug: str
    name: str
    kind: Literal["state", "organisation", "person"]
    notes: str
    seats: list[Seat]
    vetoes: list[str] = Field(description="Slugs of the bodies where it holds a veto")
    options: list[OptionStance]


# --- matrix ------------------------------------------------------------------------------------


class MatrixRow(Out):
    stakeholder: str
    name: str
    positions: dict[str, Position | None] = Field(
        description="option slug -> position (an `assume` hypothesis wins); null: none recorded"
    )


class MatrixOut(Out):
    query: str
    options: list[str] = Field(description="Option slugs, filtered and sorted like the list")
    rows: list[MatrixRow]


# --- sources -----------------------------------------------------------------------------------


class LinkCheckOut(Out):
    ok: bool
    status: int | None
    error: str | None
    final_url: str | None
    archive_url: str | None
    checked_at: UtcDatetime


class SourceSummary(Out):
    id: str
    title: str
    publisher: str
    date: PartialDate
    date_precision: Precision
    url: str | None
    kind: Literal["primary", "secondary"]
    author: str | None
    notes: str
    cited_by: int = Field(description="Number of claims that cite it")
    link: LinkCheckOut | None = Field(description="Last `explorer check-sources` result")
    href: str


class SourceList(Out):
    query: str = Field(description="The canonical query of the filters applied.")
    count: int = Field(description="How many sources match.")
    total: int = Field(description="How many sources the dataset cites.")
    sources: list[SourceSummary]


class Claim(Out):
    kind: Literal[
        "assessment", "hurdle", "stance", "dispute", "condition", "body", "route", "proposal"
    ]
    label: str
    href: str
    locator: str


class JointStatementOut(Out):
    id: int = Field(description="The joint statement's place among the dataset's stances")
    via: str
    option: str
    date: PartialDate | None
    date_precision: Precision | None
    position: Position
    summary: str
    signatories: list[str] = Field(
        description="Stakeholder slugs; `claims` holds each signatory's stance apart"
    )


class SourceOut(SourceSummary):
    claims: list[Claim] = Field(description="Every claim, one per signatory of a joint statement")
    joint_statements: list[JointStatementOut] = Field(
        description="The joint statements among the claims, each once (the HTML page lists them so)"
    )


# --- compare and permalinks --------------------------------------------------------------------


StakeholderSummary.model_rebuild()  # it names Seat, defined after it
