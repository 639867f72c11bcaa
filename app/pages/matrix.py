"""The stance matrix, `/matrix`: stakeholders by the filtered options; its JSON twin and CSV.

Pure: no FastAPI, no database."""

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from app.analysis.explore import explore_with_vetoes, position
from app.analysis.index import Index
from app.analysis.veto import VetoAnalysis
from app.dataset import urls
from app.dataset.hypotheses import assumed_positions
from app.dataset.schema import Option, Stakeholder
from app.dataset.vocabulary import Position, VetoStatus, position_json
from app.pages.explore import explored
from app.pages.labels import describe_pair
from app.pages.parts import Table
from app.state import ExploreState
from app.views import models as api


@dataclass(frozen=True)
class MatrixCell:
    """A matrix cell's note: where its stance is told, since when, and whether it can veto."""

    href: str  # the stance's row on the option page, or the stakeholder's page if none
    date: str | None  # the latest stance's date as recorded (YYYY, YYYY-MM or YYYY-MM-DD)
    veto: bool  # holds a veto on the option's decision path


def matrix_cells(
    index: Index,
    options: Iterable[Option],
    people: Iterable[Stakeholder],
    vetoes: Mapping[str, VetoAnalysis],
) -> dict[tuple[str, str], MatrixCell]:
    options = list(options)
    holders = {o.slug: {h for s in vetoes[o.slug].steps for h in s.veto_holders} for o in options}
    cells = {}
    for p in people:
        for o in options:
            s = index.current.get((p.slug, o.slug))
            veto = p.slug in holders[o.slug]
            told = s is not None or (veto and p.slug in vetoes[o.slug].uncertain)
            href = urls.option(o.slug, f"stance-{p.slug}") if told else urls.stakeholder(p.slug)
            cells[(p.slug, o.slug)] = MatrixCell(href, str(s.date) if s and s.date else None, veto)
    return cells


def _cell(index: Index, who: str, option: str, assume: Mapping[str, Position]) -> int | str | None:
    if who in assume:
        pos = assume[who]
        return position_json(pos)
    s = index.current.get((who, option))
    return None if s is None else position_json(s.pos)


@dataclass(frozen=True)
class MatrixPage:
    state: ExploreState
    json: api.MatrixOut
    options: tuple[Option, ...]  # the filtered options, in the page's order
    people: tuple[Stakeholder, ...]  # stakeholders with any recorded stance
    cells: dict[tuple[str, str], int | None]  # (stakeholder, option) -> position, assumed or not
    notes: dict[tuple[str, str], MatrixCell]
    veto: dict[str, VetoStatus]  # option -> veto status
    hypothetical: bool  # hypotheses are applied
    describe: Callable[[str, str], str]  # a filter chip's label


def build(index: Index, state: ExploreState) -> MatrixPage:
    """The page, its rows worked out once for the table and its JSON twin alike."""
    explored = explore_with_vetoes(index, state)
    options = tuple(explored.result.options)
    people = _people(index)
    return MatrixPage(
        state,
        _json(index, state, options, people, explored.assume),
        options,
        people,
        {
            (p.slug, o.slug): position(index, p.slug, o.slug, explored.assume)
            for p in people
            for o in options
        },
        matrix_cells(index, options, people, explored.analyses),
        explored.veto,
        bool(explored.assume),
        functools.partial(describe_pair, index),
    )


def _people(index: Index) -> tuple[Stakeholder, ...]:
    return tuple(
        s
        for s in index.stakeholders.values()
        if any((s.slug, o) in index.history for o in index.options)
    )


def matrix(index: Index, state: ExploreState) -> api.MatrixOut:
    """Stakeholders with any recorded stance (as on the matrix page) x the filtered options."""
    options, _, _ = explored(index, state)
    return _json(index, state, options, _people(index), assumed_positions(state.assume))


def _json(
    index: Index,
    state: ExploreState,
    options: Sequence[Option],
    people: Sequence[Stakeholder],
    assume: Mapping[str, Position],
) -> api.MatrixOut:
    slugs = [o.slug for o in options]
    return api.MatrixOut(
        query=state.query(),
        options=slugs,
        rows=[
            api.MatrixRow(
                stakeholder=p.slug,
                name=p.name,
                positions={o: _cell(index, p.slug, o, assume) for o in slugs},
            )
            for p in people
        ],
    )


def matrix_table(result: api.MatrixOut) -> Table:
    header = ["stakeholder", "name", *result.options]
    rows: list[list[object]] = [
        [r.stakeholder, r.name, *(r.positions[o] for o in result.options)] for r in result.rows
    ]
    return header, rows
