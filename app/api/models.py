"""Response models of the JSON API: each route declares one, so the OpenAPI spec documents it
and FastAPI checks every answer against it before sending."""

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from app.dataset.dates import PartialDate, Precision
from app.dataset.schema import Cite, Dossier

VetoStatus = Literal["clear", "uncertain", "blocked", "barred"]
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


class OptionSummary(Out):
    slug: str
    title: str
    category: str
    status: str
    summary: str
    scores: dict[str, int] = Field(description="criterion slug -> score 1..5")
    max_hurdle: int = Field(description="Highest legal-hurdle severity, 0 when none")
    veto: VetoStatus
    href: str


class OptionList(Out):
    query: str = Field(description="The canonical query string of these filters")
    count: int
    total: int = Field(description="Number of options before filtering")
    options: list[OptionSummary]


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


class VetoOut(Out):
    option: str
    status: VetoStatus
    reason: str
    hypothetical: bool = Field(description="Some verdict rests on an `assume` hypothesis")
    steps: list[VetoStep]
    blockers: list[str] = Field(description="Stakeholder slugs that can veto and oppose")
    uncertain: list[str] = Field(description="Veto holders whose position is unknown")


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
    sources: list[SourceSummary]


class Claim(Out):
    kind: Literal["assessment", "hurdle", "stance", "dispute", "condition", "body"]
    label: str
    href: str
    locator: str


class SourceOut(SourceSummary):
    claims: list[Claim]


# --- compare and permalinks --------------------------------------------------------------------


class Snap(Out):
    # The snapshot is built in app.analysis.compare; keys added there must pass through untouched
    # so that this API and /compare.json cannot disagree.
    model_config = ConfigDict(extra="allow", frozen=True)


class CompareDossier(Snap):
    slug: str
    title: str
    question: str
    as_of: dt.date
    licence: str


class CompareOption(Snap):
    slug: str
    title: str
    summary: str
    category: str
    status: str
    href: str


class CompareWeight(Snap):
    slug: str
    title: str
    weight: int
    default: int
    lower_is_better: bool


class CompareAssumption(Snap):
    stakeholder: str
    name: str
    position: Position
    label: str


class CompareGroup(Snap):
    key: str
    title: str


class CompareRow(Snap):
    # Cells differ by row kind (score, stance, hurdles, ...); "value" is always their text.
    key: str
    group: str
    label: str
    kind: str
    same: bool
    cells: list[dict[str, Any]]


class CompareSnapshot(Snap):
    """The comparison exactly as /compare.json and a permalink hold it."""

    version: int
    dossier: CompareDossier
    revision: int
    query: str
    options: list[CompareOption]
    weights: list[CompareWeight]
    assume: list[CompareAssumption]
    groups: list[CompareGroup]
    rows: list[CompareRow]
    ranking: dict[str, Any]
    sources: list[dict[str, Any]]


class PermalinkOut(Out):
    code: str
    href: str
    state: str = Field(description="The canonical compare query string")
    revision: int = Field(description="The dataset revision the snapshot was taken from")
    created_at: UtcDatetime
    snapshot: CompareSnapshot
