"""Filtering and sorting options for the explore page and the options API."""

import re
from collections.abc import Mapping
from dataclasses import dataclass

from app.analysis.index import Index, vetoes
from app.analysis.scores import utility
from app.analysis.veto import VetoAnalysis
from app.dataset.hypotheses import assumed_positions
from app.dataset.schema import Option
from app.dataset.vocabulary import VetoStatus
from app.state import FILTERS, ExploreState, Predicate

Positions = Mapping[str, int | None]  # hypothetical positions by stakeholder


def position(index: Index, stakeholder: str, option: str, assume: Positions) -> int | None:
    if stakeholder in assume:
        return assume[stakeholder]
    return index.position(stakeholder, option)


@dataclass(frozen=True)
class _Context:
    """What the registry's predicates may ask, answered from the index and this page's
    hypotheses and veto statuses."""

    index: Index
    vetoes: Mapping[str, str]
    assume: Positions
    why: Mapping[str, str]  # option -> "uncertain-<kind>" for uncertain options

    def text(self, option: str) -> str:
        return self.index.search_text[option]

    def max_hurdle(self, option: str) -> int:
        return self.index.max_hurdle[option]

    def lower_is_better(self, criterion: str) -> bool:
        c = self.index.criteria.get(criterion)
        return c is not None and c.direction == "lower-is-better"

    def position(self, stakeholder: str, option: str) -> int | None:
        return position(self.index, stakeholder, option, self.assume)

    def veto(self, option: str) -> str:
        return self.vetoes.get(option, "")

    def veto_why(self, option: str) -> str:
        return self.why.get(option, "")


def _predicates(
    index: Index,
    state: ExploreState,
    veto: Mapping[str, str],
    assume: Positions,
    why: Mapping[str, str],
) -> list[tuple[tuple[str, str], Predicate]]:
    """One predicate per active filter, keyed by the query pair it comes from."""
    ctx = _Context(index, veto, assume, why)
    return [pred for f in FILTERS for pred in f.predicates(getattr(state, f.field), ctx)]


@dataclass(frozen=True)
class Loosen:
    """A filter whose removal would bring back results."""

    pair: tuple[str, str]
    count: int


@dataclass(frozen=True)
class ExploreResult:
    options: list[Option]
    total: int
    loosen: list[Loosen]


_LEADING = re.compile(r"^[\W_]+")


def title_key(o: Option) -> str:
    """Titles sort from their first letter or digit: a leading quote or bracket is ignored."""
    return _LEADING.sub("", o.title).casefold() or o.title.casefold()


def _veto_order(status: str, missing: int) -> int:
    known = VetoStatus.of(status)
    return known.order if known else missing


def recommended_order(options: list[Option], index: Index, veto: Mapping[str, str]) -> list[Option]:
    """The default order: veto status (clear first), then the first criterion (best first,
    unscored last), then title."""
    first = next(iter(index.criteria.values()), None)

    def key(o: Option) -> tuple[int, int, str]:
        a = o.assessments.get(first.slug) if first else None
        best = utility(a.score, first.direction) if first and a else 0
        return (_veto_order(veto.get(o.slug, ""), 9), -best, title_key(o))

    return sorted(options, key=key)


def sort_options(
    options: list[Option], sort: str | None, index: Index, veto: Mapping[str, str]
) -> list[Option]:
    if sort is None:
        return recommended_order(options, index, veto)
    field = sort.lstrip("-")
    desc = sort.startswith("-")
    if field == "title":
        return sorted(options, key=title_key, reverse=desc)
    if field == "veto":
        return sorted(
            options,
            key=lambda o: (_veto_order(veto.get(o.slug, ""), 3), title_key(o)),
            reverse=desc,
        )

    # Unscored options go last whichever the direction.
    def score(o: Option) -> int:
        a = o.assessments.get(field)
        return a.score if a else 0

    ranked = sorted(options, key=title_key)
    ranked.sort(key=score, reverse=desc)
    scored = [o for o in ranked if field in o.assessments]
    return scored + [o for o in ranked if field not in o.assessments]


def explore(
    index: Index,
    state: ExploreState,
    veto: Mapping[str, str],
    assume: Positions,
    why: Mapping[str, str] | None = None,
) -> ExploreResult:
    preds = _predicates(index, state, veto, assume, why or {})
    every = list(index.options.values())
    shown = [o for o in every if all(p(o) for _, p in preds)]
    loosen: list[Loosen] = []
    if not shown:
        for i, (pair, _) in enumerate(preds):
            rest = preds[:i] + preds[i + 1 :]
            n = sum(1 for o in every if all(p(o) for _, p in rest))
            if n:
                loosen.append(Loosen(pair, n))
    return ExploreResult(sort_options(shown, state.sort, index, veto), len(every), loosen)


@dataclass(frozen=True)
class Explored:
    """The explore pipeline shared by `/`, `/matrix` and the options API: hypotheses applied,
    every option's veto analysis, then filters and sort."""

    result: ExploreResult
    analyses: dict[str, VetoAnalysis]
    veto: dict[str, VetoStatus]
    assume: dict[str, int | None]


def explore_with_vetoes(index: Index, state: ExploreState) -> Explored:
    assume = assumed_positions(state.assume)
    analyses = vetoes(index, state.assume)
    veto = {slug: v.status for slug, v in analyses.items()}
    why = {s: f"{v.status}-{v.uncertain_kind}" for s, v in analyses.items() if v.uncertain_kind}
    return Explored(explore(index, state, veto, assume, why), analyses, veto, assume)
