"""The methodology page, `/methodology`, and the criteria it explains (/api/v1/criteria and its
CSV).

Pure: no FastAPI, no database."""

from collections.abc import Mapping
from dataclasses import dataclass

from app.analysis import ranks
from app.analysis.index import Index
from app.analysis.scores import FORMULA
from app.dataset.records import LinkStatus
from app.dataset.schema import (
    Body,
    Condition,
    Criterion,
)
from app.pages.parts import CitedSource, DataTable, Table, citations
from app.views import models as api


@dataclass(frozen=True)
class MethodologyPage:
    formula: str
    rank_method: str
    exact_limit: int
    draws: int
    seed: int
    data_tables: tuple[DataTable, ...]  # the data package's tables, described and offered
    criteria: tuple[Criterion, ...]
    conditions: tuple[Condition, ...]
    seat_bodies: tuple[Body, ...]  # bodies that vote by seats
    cited: dict[str, CitedSource]


def build(
    index: Index, links: Mapping[str, LinkStatus], data_tables: tuple[DataTable, ...]
) -> MethodologyPage:
    return MethodologyPage(
        FORMULA,
        ranks.METHOD_TEXT,
        ranks.EXACT_LIMIT,
        ranks.DRAWS,
        ranks.SEED,
        data_tables,
        criteria=tuple(index.ds.criteria),
        conditions=tuple(index.ds.conditions),
        seat_bodies=tuple(b for b in index.ds.bodies if b.seats),
        cited=citations(index, links),
    )


def criteria(index: Index) -> api.CriterionList:
    return api.CriterionList(
        criteria=[
            api.CriterionOut(
                slug=c.slug,
                title=c.title,
                description=c.description,
                direction=c.direction,
                default_weight=c.default_weight,
                scale={str(k): v for k, v in sorted(c.scale.items())},
            )
            for c in index.criteria.values()
        ]
    )


def criteria_table(result: api.CriterionList) -> Table:
    header = ["slug", "title", "direction", "default_weight", *(f"scale_{i}" for i in range(1, 6))]
    header.append("description")
    rows: list[list[object]] = [
        [c.slug, c.title, c.direction, c.default_weight]
        + [c.scale.get(str(i)) for i in range(1, 6)]
        + [c.description]
        for c in result.criteria
    ]
    return header, rows
