"""One stakeholder's page, `/stakeholders/{slug}`: its seats and its stance on every option; its
JSON twin and CSV.

Pure: no FastAPI, no database."""

from collections.abc import Mapping
from dataclasses import dataclass

from app.analysis.index import Index
from app.dataset.records import LinkStatus
from app.dataset.schema import Body, Option, Stakeholder, Stance
from app.pages.parts import CitedSource, citations, stance
from app.views import models as api


@dataclass(frozen=True)
class StakeholderPage:
    who: Stakeholder
    json: api.StakeholderOut
    rows: tuple[tuple[Option, list[Stance]], ...]  # every option, with the stances on it
    seats: list[tuple[Body, bool]]  # each body it sits on, and whether it holds a veto there
    cited: dict[str, CitedSource]


def build(index: Index, links: Mapping[str, LinkStatus], who: Stakeholder) -> StakeholderPage:
    return StakeholderPage(
        who,
        stakeholder(index, who.slug),
        tuple((o, index.history.get((who.slug, o.slug), [])) for o in index.options.values()),
        index.seats.get(who.slug, []),
        citations(index, links),
    )


def stakeholder(index: Index, slug: str) -> api.StakeholderOut:
    who = index.stakeholders[slug]
    seats = [
        api.Seat(body=b.slug, title=b.title, rule=b.rule, veto=v)
        for b, v in index.seats.get(slug, [])
    ]
    options = []
    for o in index.options.values():
        history = [stance(s, index) for s in index.history.get((slug, o.slug), [])]
        current = next((s for s in history if s.current), None)
        options.append(
            api.OptionStance(
                option=o.slug,
                title=o.title,
                position=current.position if current else None,
                current=current,
                history=history,
            )
        )
    return api.StakeholderOut(
        slug=who.slug,
        name=who.name,
        kind=who.kind,
        notes=who.notes,
        seats=seats,
        vetoes=[s.body for s in seats if s.veto],
        options=options,
    )
