"""Pydantic models of the dataset file. The file is a public contract: names here are fixed."""

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from app.dataset.dates import PartialDate
from app.dataset.vocabulary import POSITIONS, Position, score_range

SLUG_RE = r"^[a-z0-9]+(-[a-z0-9]+)*$"
ATTR_SLUG_RE = r"^[a-z0-9]+([-_][a-z0-9]+)*$"
# An e-mail address as a reader types one: something@domain.tld, no spaces.
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _range(lo: int, hi: int) -> AfterValidator:
    def check(v: int) -> int:
        if not lo <= v <= hi:
            raise ValueError(f"must be {lo}..{hi}")
        return v

    return AfterValidator(check)


Slug = Annotated[str, StringConstraints(pattern=SLUG_RE)]
AttrSlug = Annotated[str, StringConstraints(pattern=ATTR_SLUG_RE)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Score = Annotated[int, _range(1, 5)]
Weight = Annotated[int, _range(0, 5)]
Direction = Literal["higher-is-better", "lower-is-better"]
Confidence = Literal["low", "medium", "high"]
Status = Literal["proposed", "under-negotiation", "in-force", "lapsed", "rejected"]
Rule = Literal[
    "unanimity",
    "veto-members",
    "majority",
    "two-thirds",
    "coalition",
    # Seat votes (bodies with `seats` and `blocs`):
    "majority-members",
    "majority-present",
    "two-thirds-present",
    "fixed",
    "qualified-majority",
]
SEAT_RULES = (
    "majority-members",
    "majority-present",
    "two-thirds-present",
    "fixed",
    "qualified-majority",
)


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cite(Model):
    id: Text
    locator: str = ""


class Dossier(Model):
    slug: Slug
    title: Text
    question: Text
    summary: str = ""
    as_of: dt.date
    licence: Text
    # What this edition of the file changes; `explorer load` records it unless --note is given.
    revision_note: str = ""
    # Who answers for the judgements (names or a collective), and where to write: a site path
    # ("/report", the error form), an http(s) address or an e-mail address.
    editors: list[Text] = Field(default_factory=list)
    contact: str = ""

    @field_validator("contact")
    @classmethod
    def _contact(cls, value: str) -> str:
        value = value.strip()
        ok = (
            not value
            or (value.startswith("/") and not value.startswith("//"))
            or value.startswith(("https://", "http://"))
            or EMAIL_RE.fullmatch(value) is not None
        )
        if not ok:
            raise ValueError(
                "must be a site path such as /report, an http(s) address or an e-mail address"
            )
        return value


class Criterion(Model):
    slug: Slug
    title: Text
    description: str = ""
    direction: Direction
    default_weight: Weight
    scale: dict[Score, Text]

    @model_validator(mode="after")
    def _every_level(self) -> "Criterion":
        missing = [lvl for lvl in range(1, 6) if lvl not in self.scale]
        if missing:
            raise ValueError(f"scale needs a label for every level 1..5; missing {missing}")
        return self


class AttributeDef(Model):
    slug: AttrSlug
    title: Text
    type: Literal["bool", "enum", "number"]
    values: list[Text] | None = None
    description: str = ""
    unit: str | None = None

    @model_validator(mode="after")
    def _enum_values(self) -> "AttributeDef":
        if self.type == "enum" and not self.values:
            raise ValueError("an enum attribute needs a non-empty values list")
        if self.type != "enum" and self.values is not None:
            raise ValueError("only enum attributes take values")
        return self


class Stakeholder(Model):
    slug: Slug
    name: Text
    kind: Literal["state", "organisation", "person"]
    notes: str = ""


class Bloc(Model):
    """A party group or faction of a body that votes by seats; its stances are its votes."""

    stakeholder: Slug
    seats: Annotated[int, Field(ge=0)]
    population: Annotated[float, Field(ge=0)] | None = None  # for qualified majorities


class Body(Model):
    slug: Slug
    title: Text
    rule: Rule
    members: list[Slug] = Field(default_factory=list)
    veto: list[Slug] = Field(default_factory=list)
    notes: str = ""
    seats: Annotated[int, Field(gt=0)] | None = None  # total seats, vacancies included
    blocs: list[Bloc] = Field(default_factory=list)
    threshold: Annotated[int, Field(gt=0)] | None = None  # for rule "fixed"
    member_share: Annotated[float, Field(gt=0, le=1)] | None = None  # qualified majority
    population_share: Annotated[float, Field(gt=0, le=1)] | None = None
    sources: list[Cite] = Field(default_factory=list)

    @model_validator(mode="after")
    def _veto_rule(self) -> "Body":
        if self.veto and self.rule != "veto-members":
            raise ValueError("veto lists belong to bodies whose rule is veto-members")
        if self.rule == "veto-members" and not self.veto:
            raise ValueError("rule veto-members needs a veto list")
        if self.rule in SEAT_RULES:
            if self.seats is None or not self.blocs:
                raise ValueError(f"rule {self.rule} needs seats and blocs")
            if sum(b.seats for b in self.blocs) > self.seats:
                raise ValueError("the blocs hold more seats than the body has")
        elif self.blocs or self.seats is not None:
            raise ValueError(f"seats and blocs belong to bodies that vote by seats {SEAT_RULES}")
        if (self.rule == "fixed") != (self.threshold is not None):
            raise ValueError("rule fixed needs a threshold, and only it takes one")
        if self.threshold is not None and self.seats is not None and self.threshold > self.seats:
            raise ValueError("the threshold is larger than the number of seats")
        if self.rule == "qualified-majority":
            if self.member_share is None or self.population_share is None:
                raise ValueError("rule qualified-majority needs member_share and population_share")
            if any(b.population is None for b in self.blocs):
                raise ValueError("under qualified-majority every bloc needs its population")
        return self


class Source(Model):
    id: Slug
    title: Text
    publisher: Text
    date: PartialDate
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] | None = None
    # Required when url is empty: why a reader cannot check the source online.
    url_missing: str | None = None
    kind: Literal["primary", "secondary"]
    author: str | None = None
    notes: str = ""


class Condition(Model):
    """A state of law or fact, e.g. martial law, that can bar decision steps while it holds."""

    slug: Slug
    title: Text
    since: PartialDate
    until: PartialDate | None = None
    description: str = ""
    sources: Annotated[list[Cite], Field(min_length=1)]

    def holds_on(self, day: dt.date) -> bool:
        return self.since.first_day <= day and (self.until is None or day < self.until.first_day)


class DisputeClaim(Model):
    claim: Text
    sources: Annotated[list[Cite], Field(min_length=1)]


class Dispute(Model):
    slug: Slug
    topic: Text
    claims: Annotated[list[DisputeClaim], Field(min_length=2)]


class Assessment(Model):
    score: Score
    low: Score | None = None
    high: Score | None = None
    confidence: Confidence
    rationale: Text
    sources: Annotated[list[Cite], Field(min_length=1)]

    @property
    def range(self) -> tuple[int, int]:
        return score_range(self.score, self.low, self.high)

    @model_validator(mode="after")
    def _range_holds_score(self) -> "Assessment":
        lo, hi = self.range
        if not lo <= self.score <= hi:
            raise ValueError("low <= score <= high must hold")
        return self


class LegalBasis(Model):
    """The law under which a condition bars a step or hurdle, e.g. "Constitution of Ukraine,
    Art. 157": readers are told what bars it, not only that it is barred."""

    law: Text
    sources: Annotated[list[Cite], Field(min_length=1)]


class _Barrable(Model):
    barred_by: list[Slug] = Field(default_factory=list)  # conditions under which it cannot happen
    barred_under: LegalBasis | None = None  # the law that makes those conditions bar it

    @model_validator(mode="after")
    def _basis_needs_bar(self) -> "_Barrable":
        if self.barred_under is not None and not self.barred_by:
            raise ValueError("barred_under names the law of a bar: give barred_by too")
        return self


class Hurdle(_Barrable):
    instrument: Text
    requires: Text
    severity: Score
    sources: Annotated[list[Cite], Field(min_length=1)]


class Step(_Barrable):
    body: Slug
    action: Text
    why: str = ""


class Route(Model):
    """One way an option can be decided: all its steps must pass. Any one route suffices."""

    slug: Slug
    title: Text  # read after "by" / "through": "the national route", "NATO"
    note: str = ""  # what this route can and cannot do
    sources: list[Cite] = Field(default_factory=list)
    steps: list[Step] = Field(default_factory=list)


# The one route of an option written with plain `steps:`; never written to a file.
SINGLE_ROUTE = "default"

AttrValue = bool | int | float | str


class Option(Model):
    slug: Slug
    title: Text
    category: Slug
    status: Status
    proposed_by: Slug | None = None
    proposed_on: PartialDate | None = None
    # Where the proposal and its date are on record: on `at=` days before it, the option is
    # left out ("not yet proposed").
    proposed_sources: list[Cite] = Field(default_factory=list)
    summary: Text
    description: str = ""
    attributes: dict[AttrSlug, AttrValue] = Field(default_factory=dict)
    assessments: dict[Slug, Assessment] = Field(default_factory=dict)
    hurdles: list[Hurdle] = Field(default_factory=list)
    steps: list[Step] = Field(default_factory=list)
    routes: list[Route] = Field(default_factory=list)

    @model_validator(mode="after")
    def _steps_or_routes(self) -> "Option":
        if self.steps and self.routes:
            raise ValueError("give either steps (one route) or routes, not both")
        slugs = [r.slug for r in self.routes]
        if len(set(slugs)) != len(slugs):
            raise ValueError("two routes share a slug")
        return self

    @property
    def decision_routes(self) -> tuple[Route, ...]:
        """The routes, any one of which suffices; plain `steps:` are one route."""
        if self.routes:
            return tuple(self.routes)
        return (Route(slug=SINGLE_ROUTE, title="its decision path", steps=self.steps),)


def _position(v: int | str) -> int | str:
    if v == "unknown" or (isinstance(v, int) and not isinstance(v, bool) and v in POSITIONS):
        return v
    raise ValueError("must be an integer -2..2 or unknown")


class Stance(Model):
    """One dated position. A joint statement names several signatories (`stakeholders`) or
    every member of a body (`members_of`); it expands to one stance per signatory."""

    stakeholder: Slug | None = None
    stakeholders: list[Slug] | None = None
    members_of: Slug | None = None
    via: str | None = None  # the joint text, e.g. "the Washington Summit Declaration"
    option: Slug
    route: Slug | None = None  # the route it addresses; None: every route of the option
    date: PartialDate | None = None
    position: Annotated[int | str, AfterValidator(_position)]
    summary: str = ""
    quote: str | None = None
    quote_by: str | None = None
    sources: list[Cite] = Field(default_factory=list)
    # Set when a joint stance is expanded: how many signed it, and the joint statement's place
    # among the file's stances (what its signatories' stances share). Never part of the file.
    signatories: int = Field(default=0, exclude=True)
    joint: int | None = Field(default=None, exclude=True)
    # Set on an own statement that outranks a joint one of the same day: the joint text.
    outranks: str | None = Field(default=None, exclude=True)

    @property
    def pos(self) -> Position:
        return None if self.position == "unknown" else int(self.position)

    @property
    def who(self) -> str:
        """The signatory of an expanded stance (always set after expansion)."""
        return self.stakeholder or ""

    @model_validator(mode="after")
    def _known_needs_evidence(self) -> "Stance":
        given = [self.stakeholder is not None, bool(self.stakeholders), self.members_of is not None]
        if sum(given) != 1:
            raise ValueError("give exactly one of stakeholder, stakeholders or members_of")
        if self.stakeholders is not None and len(set(self.stakeholders)) != len(self.stakeholders):
            raise ValueError("stakeholders lists a signatory more than once")
        if self.position != "unknown":
            if self.date is None:
                raise ValueError("a known position needs a date")
            if not self.sources:
                raise ValueError("a known position needs at least one source")
        if self.quote and not self.quote_by:
            raise ValueError("a quote needs quote_by (who said it)")
        return self


class Dataset(Model):
    dossier: Dossier
    criteria: Annotated[list[Criterion], Field(min_length=1)]
    attributes: list[AttributeDef] = Field(default_factory=list)
    stakeholders: list[Stakeholder] = Field(default_factory=list)
    bodies: list[Body] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    disputes: list[Dispute] = Field(default_factory=list)
    conditions: list[Condition] = Field(default_factory=list)
    options: Annotated[list[Option], Field(min_length=1)]
    stances: list[Stance] = Field(default_factory=list)
