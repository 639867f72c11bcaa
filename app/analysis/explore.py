"""Filtering and sorting options for the explore page and the options API."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from app.analysis.index import Index, vetoes
from app.analysis.veto import STATUS_ORDER, VetoAnalysis, parse_assumptions
from app.dataset.schema import Option, VetoStatus
from app.state import ExploreState

Positions = Mapping[str, int | None]  # hypothetical positions by stakeholder
Predicate = Callable[[Option], bool]
VETO_ORDER = STATUS_ORDER


def position(index: Index, stakeholder: str, option: str, assume: Positions) -> int | None:
    if stakeholder in assume:
        return assume[stakeholder]
    return index.position(stakeholder, option)


def stance_matches(pos: int | None, wanted: str) -> bool:
    if wanted == "support":
        return pos is not None and pos > 0
    if wanted == "oppose":
        return pos is not None and pos < 0
    if wanted == "not-oppose":
        return pos is None or pos >= 0
    return pos is None  # unknown


def _attr_matches(option: Option, slug: str, wanted: str) -> bool:
    value = option.attributes.get(slug)
    if isinstance(value, bool):
        return ("true" if value else "false") == wanted
    return value is not None and str(value) == wanted


# Each builder binds its own values, so predicates made in a loop do not share them.
def _attr_predicate(slug: str, wanted: str) -> Predicate:
    return lambda o: _attr_matches(o, slug, wanted)


def _min_predicate(slug: str, lo: int) -> Predicate:
    return lambda o: slug in o.assessments and o.assessments[slug].score >= lo


def _stance_predicate(index: Index, who: str, wanted: str, assume: Positions) -> Predicate:
    return lambda o: stance_matches(position(index, who, o.slug, assume), wanted)


def _predicates(
    index: Index, state: ExploreState, veto: Mapping[str, str], assume: Positions
) -> list[tuple[tuple[str, str], Callable[[Option], bool]]]:
    """One predicate per active filter, keyed by the query pair it comes from."""
    preds: list[tuple[tuple[str, str], Predicate]] = []
    if state.q:
        words = state.q.casefold().split()
        preds.append((("q", state.q), lambda o: all(w in index.search_text[o.slug] for w in words)))
    if state.category:
        preds.append(
            (("category", ",".join(state.category)), lambda o: o.category in state.category)
        )
    if state.status:
        preds.append((("status", ",".join(state.status)), lambda o: o.status in state.status))
    for slug, wanted in state.attrs:
        preds.append(((f"attr.{slug}", wanted), _attr_predicate(slug, wanted)))
    for slug, lo in state.mins:
        preds.append(((f"min.{slug}", str(lo)), _min_predicate(slug, lo)))
    if state.max_hurdle is not None:
        preds.append(
            (
                ("max_hurdle", str(state.max_hurdle)),
                lambda o: index.max_hurdle[o.slug] <= (state.max_hurdle or 0),
            )
        )
    for who, wanted in state.stances:
        preds.append(((f"stance.{who}", wanted), _stance_predicate(index, who, wanted, assume)))
    if state.veto:
        preds.append((("veto", state.veto), lambda o: veto.get(o.slug) == state.veto))
    return preds


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


def sort_options(
    options: list[Option], sort: str | None, index: Index, veto: Mapping[str, str]
) -> list[Option]:
    field = (sort or "title").lstrip("-")
    desc = bool(sort and sort.startswith("-"))
    if field == "title":
        return sorted(options, key=lambda o: o.title.casefold(), reverse=desc)
    if field == "veto":
        return sorted(
            options, key=lambda o: (VETO_ORDER.get(veto.get(o.slug, ""), 3), o.title), reverse=desc
        )

    # Unscored options go last whichever the direction.
    def score(o: Option) -> int:
        a = o.assessments.get(field)
        return a.score if a else 0

    ranked = sorted(options, key=lambda o: o.title.casefold())
    ranked.sort(key=score, reverse=desc)
    scored = [o for o in ranked if field in o.assessments]
    return scored + [o for o in ranked if field not in o.assessments]


def explore(
    index: Index, state: ExploreState, veto: Mapping[str, str], assume: Positions
) -> ExploreResult:
    preds = _predicates(index, state, veto, assume)
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
    assume = parse_assumptions(state.assume)
    analyses = vetoes(index, state.assume)
    veto = {slug: v.status for slug, v in analyses.items()}
    return Explored(explore(index, state, veto, assume), analyses, veto, assume)
