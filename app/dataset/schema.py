"""Pydantic models of the dataset file. The file is a public contract: names here are fixed."""

import datetime as dt
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

SLUG_RE = r"^[a-z0-9]+(-[a-z0-9]+)*$"
ATTR_SLUG_RE = r"^[a-z0-9]+([-_][a-z0-9]+)*$"


def _range(lo: int, hi: int):  # type: ignore[no-untyped-def]
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
Rule = Literal["unanimity", "veto-members", "majority", "two-thirds", "coalition"]
POSITIONS = (-2, -1, 0, 1, 2)


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


class Body(Model):
    slug: Slug
    title: Text
    rule: Rule
    members: list[Slug] = Field(default_factory=list)
    veto: list[Slug] = Field(default_factory=list)
    notes: str = ""

    @model_validator(mode="after")
    def _veto_rule(self) -> "Body":
        if self.veto and self.rule != "veto-members":
            raise ValueError("veto lists belong to bodies whose rule is veto-members")
        if self.rule == "veto-members" and not self.veto:
            raise ValueError("rule veto-members needs a veto list")
        return self


class Source(Model):
    id: Slug
    title: Text
    publisher: Text
    date: dt.date
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] | None = None
    kind: Literal["primary", "secondary"]
    author: str | None = None
    notes: str = ""


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

    @model_validator(mode="after")
    def _range_holds_score(self) -> "Assessment":
        lo = self.low if self.low is not None else self.score
        hi = self.high if self.high is not None else self.score
        if not lo <= self.score <= hi:
            raise ValueError("low <= score <= high must hold")
        return self


class Hurdle(Model):
    instrument: Text
    requires: Text
    severity: Score
    sources: Annotated[list[Cite], Field(min_length=1)]


class Step(Model):
    body: Slug
    action: Text
    why: str = ""


AttrValue = bool | int | float | str


class Option(Model):
    slug: Slug
    title: Text
    category: Slug
    status: Status
    proposed_by: Slug | None = None
    proposed_on: dt.date | None = None
    summary: Text
    description: str = ""
    attributes: dict[AttrSlug, AttrValue] = Field(default_factory=dict)
    assessments: dict[Slug, Assessment] = Field(default_factory=dict)
    hurdles: list[Hurdle] = Field(default_factory=list)
    steps: list[Step] = Field(default_factory=list)


def _position(v: int | str) -> int | str:
    if v == "unknown" or (isinstance(v, int) and not isinstance(v, bool) and v in POSITIONS):
        return v
    raise ValueError("must be an integer -2..2 or unknown")


class Stance(Model):
    stakeholder: Slug
    option: Slug
    date: dt.date | None = None
    position: Annotated[int | str, AfterValidator(_position)]
    summary: str = ""
    quote: str | None = None
    quote_by: str | None = None
    sources: list[Cite] = Field(default_factory=list)

    @model_validator(mode="after")
    def _known_needs_evidence(self) -> "Stance":
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
    options: Annotated[list[Option], Field(min_length=1)]
    stances: list[Stance] = Field(default_factory=list)
