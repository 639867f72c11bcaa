"""Lookup tables over a Dataset, built once per revision so pages never rescan lists."""

from collections import defaultdict
from dataclasses import dataclass, field

from app.analysis.veto import current_stances
from app.dataset.schema import (
    AttributeDef,
    Body,
    Cite,
    Criterion,
    Dataset,
    Option,
    Source,
    Stakeholder,
    Stance,
)


@dataclass(frozen=True)
class CitedClaim:
    """A claim that cites a source, described for the bibliography."""

    kind: str  # assessment | hurdle | stance | dispute
    label: str
    href: str
    locator: str


@dataclass(frozen=True)
class Index:
    ds: Dataset
    options: dict[str, Option]
    criteria: dict[str, Criterion]
    attributes: dict[str, AttributeDef]
    stakeholders: dict[str, Stakeholder]
    bodies: dict[str, Body]
    sources: dict[str, Source]
    current: dict[tuple[str, str], Stance]
    history: dict[tuple[str, str], list[Stance]]
    seats: dict[str, list[tuple[Body, bool]]]  # stakeholder -> bodies it sits on, with veto flag
    cited_by: dict[str, list[CitedClaim]]
    max_hurdle: dict[str, int]
    search_text: dict[str, str] = field(repr=False)

    def position(self, stakeholder: str, option: str) -> int | None:
        s = self.current.get((stakeholder, option))
        return None if s is None or s.position == "unknown" else int(s.position)


def holds_veto(body: Body, stakeholder: str) -> bool:
    return body.rule == "unanimity" or stakeholder in body.veto


def build_index(ds: Dataset) -> Index:
    options = {o.slug: o for o in ds.options}
    criteria = {c.slug: c for c in ds.criteria}
    stakeholders = {s.slug: s for s in ds.stakeholders}
    history: dict[tuple[str, str], list[Stance]] = defaultdict(list)
    for s in ds.stances:
        history[(s.stakeholder, s.option)].append(s)
    for stances in history.values():
        stances.sort(key=lambda s: (s.date is not None, s.date), reverse=True)
    seats: dict[str, list[tuple[Body, bool]]] = defaultdict(list)
    for b in ds.bodies:
        for member in b.members:
            seats[member].append((b, holds_veto(b, member)))

    cited_by: dict[str, list[CitedClaim]] = defaultdict(list)

    def cite(cites: tuple[Cite, ...] | list[Cite], kind: str, label: str, href: str) -> None:
        for c in cites:
            cited_by[c.id].append(CitedClaim(kind, label, href, c.locator))

    search: dict[str, str] = {}
    for o in ds.options:
        href = f"/options/{o.slug}"
        parts = [o.title, o.summary, o.description]
        for slug, a in o.assessments.items():
            title = criteria[slug].title if slug in criteria else slug
            cite(a.sources, "assessment", f"{o.title}: {title} score", href)
            parts.append(a.rationale)
        for h in o.hurdles:
            cite(h.sources, "hurdle", f"{o.title}: {h.instrument}", href)
            parts.append(h.instrument)
        search[o.slug] = " ".join(parts).casefold()
    for s in ds.stances:
        who = stakeholders[s.stakeholder].name if s.stakeholder in stakeholders else s.stakeholder
        title = options[s.option].title if s.option in options else s.option
        cite(s.sources, "stance", f"{who} on {title} ({s.date})", f"/stakeholders/{s.stakeholder}")
    for d in ds.disputes:
        for c in d.claims:
            cite(c.sources, "dispute", f"{d.topic}: {c.claim}", f"/sources#dispute-{d.slug}")

    return Index(
        ds=ds,
        options=options,
        criteria=criteria,
        attributes={a.slug: a for a in ds.attributes},
        stakeholders=stakeholders,
        bodies={b.slug: b for b in ds.bodies},
        sources={s.id: s for s in ds.sources},
        current=current_stances(ds.stances),
        history=dict(history),
        seats=dict(seats),
        cited_by=dict(cited_by),
        max_hurdle={o.slug: max((h.severity for h in o.hurdles), default=0) for o in ds.options},
        search_text=search,
    )
