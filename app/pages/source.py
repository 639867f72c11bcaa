"""One source's page, `/sources/{id}`: every claim that cites it; its JSON twin and CSV.

Pure: no FastAPI, no database."""

from collections.abc import Mapping
from dataclasses import dataclass

from app.analysis.index import CitedClaim, Index, JointStatement
from app.dataset.records import LinkStatus
from app.dataset.schema import Source
from app.dataset.vocabulary import position_json
from app.pages.parts import NoteParts, Table, note_parts, source_fields
from app.views import models as api
from app.views.verdict import Named

SIGNATORIES_NAMED = 3  # a joint statement's line names this many signatories before its list


@dataclass(frozen=True)
class ClaimLine:
    """One line of a source page: a claim, or a joint statement standing once for the claims of
    all its signatories."""

    claim: CitedClaim  # the (first) claim; for a joint statement, its first signatory's
    locators: tuple[str, ...]  # distinct, in order
    statement: JointStatement | None = None
    signatories: tuple[Named, ...] = ()  # a joint statement's, by name
    named: tuple[Named, ...] = ()  # the first few, named on the line itself


@dataclass(frozen=True)
class SourcePage:
    source: Source
    json: api.SourceOut
    lines: tuple[ClaimLine, ...]  # in the order the claims cite the source
    signatories: int  # of the joint statements, summed: each a claim, listed under its statement
    notes: NoteParts = ()  # the source's notes, other sources' ids as links


def build(index: Index, links: Mapping[str, LinkStatus], sid: str) -> SourcePage:
    # Claims in citing order; a joint statement's go together, at its first signatory's place.
    groups: dict[object, list[CitedClaim]] = {}
    for i, c in enumerate(index.cited_by.get(sid, [])):
        groups.setdefault(("joint", c.statement.id) if c.statement else i, []).append(c)
    lines = tuple(_claim_line(claims) for claims in groups.values())
    notes = note_parts(index, index.sources[sid].notes)
    signatories = sum(len(line.signatories) for line in lines)
    return SourcePage(index.sources[sid], source(index, links, sid), lines, signatories, notes)


def _claim_line(claims: list[CitedClaim]) -> ClaimLine:
    first = claims[0]
    locators = tuple(dict.fromkeys(c.locator for c in claims if c.locator))
    if first.statement is None:
        return ClaimLine(first, locators)
    who = sorted((Named(s, n) for s, n in first.statement.signatories), key=lambda w: w.name)
    return ClaimLine(first, locators, first.statement, tuple(who), tuple(who[:SIGNATORIES_NAMED]))


def source(index: Index, links: Mapping[str, LinkStatus], sid: str) -> api.SourceOut:
    cited = index.cited_by.get(sid, [])
    claims = [api.Claim(kind=c.kind, label=c.label, href=c.href, locator=c.locator) for c in cited]
    statements = {c.statement.id: c.statement for c in cited if c.statement}
    joint = [
        api.JointStatementOut(
            id=j.id,
            via=j.via,
            option=j.option,
            date=j.date,
            date_precision=j.date.precision if j.date else None,
            position=position_json(j.position),
            summary=j.summary,
            signatories=[slug for slug, _ in j.signatories],
        )
        for j in statements.values()
    ]
    return api.SourceOut.model_validate(
        {**source_fields(index, links, sid), "claims": claims, "joint_statements": joint}
    )


def claims_table(result: api.SourceOut) -> Table:
    header = ["kind", "label", "locator", "href"]
    rows: list[list[object]] = [[c.kind, c.label, c.locator, c.href] for c in result.claims]
    return header, rows
