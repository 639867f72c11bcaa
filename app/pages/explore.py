"""The explore page, `/`: the options filtered and sorted, the answer line, the verdicts and the
overview chart; its JSON twin (/api/v1/options) and CSV.

Pure: no FastAPI, no database."""

import functools
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.analysis.explore import ExploreResult, explore_with_vetoes
from app.analysis.index import Index, vetoes
from app.analysis.labels import UNCERTAIN_COUNTED
from app.analysis.scores import weighted_scores
from app.analysis.veto import VetoAnalysis
from app.charts.png import ComparisonCard, RankedOption
from app.charts.svg import Chart
from app.dataset import urls
from app.dataset.schema import (
    AttributeDef,
    Criterion,
    Option,
    Stakeholder,
)
from app.dataset.vocabulary import VetoStatus
from app.pages.labels import describe_pair
from app.pages.parts import Table
from app.state import ExploreState, Vocab
from app.views import models as api
from app.views.charts import overview, overview_compact
from app.views.verdict import Verdict, join, verdicts


@dataclass(frozen=True)
class FilterChoices:
    """What the filter controls offer (templates/_filters.html)."""

    categories: tuple[str, ...]
    statuses: tuple[str, ...]
    attributes: tuple[tuple[AttributeDef, tuple[str, ...]], ...]  # each with its values
    criteria: tuple[Criterion, ...]
    stakeholders: tuple[Stakeholder, ...]  # those with a recorded stance


@dataclass(frozen=True)
class Assumed:
    label: str  # a stakeholder's name or a condition's title
    position: str  # as the query gives it: -2..2, "unknown" or "lifted"


@dataclass(frozen=True)
class ExplorePage:
    state: ExploreState
    json: api.OptionList
    result: ExploreResult
    answer: str  # the page's first sentence: the options counted by veto status
    verdicts: dict[str, Verdict]  # option -> its one-line verdict
    charts: dict[str, Any]  # the overview chart, wide and compact, and its downloads
    axes: tuple[str, str]  # the overview chart's criteria (across, up)
    shown: frozenset[str]  # the options shown
    filter_count: int
    # "What if" links: each current blocker by name, assumed neutral on top of any hypothesis.
    whatif: tuple[tuple[str, ExploreState], ...]
    compare_notice: str | None  # why "Compare selected" could not go to /compare
    describe: Callable[[str, str], str]  # a filter chip's label
    criteria: tuple[Criterion, ...]
    filters: FilterChoices
    assumed: tuple[Assumed, ...]  # the hypotheses, in query order
    ticked: tuple[str, ...]  # titles of the options ticked for comparing


NOT_FILTERS = ("sort", "o", "assume", "at", "x", "y")  # the query's other parameters


def build(
    index: Index, vocab: Vocab, state: ExploreState, compare_notice: str | None = None
) -> ExplorePage:
    found = explore_with_vetoes(index, state)
    blockers = dict.fromkeys(b.stakeholder for v in found.analyses.values() for b in v.blockers)
    axes = state.axes(vocab)
    shown = found.result.options
    view = home(index, found.analyses, shown, axes)
    holders = {who for who, _ in index.history}
    criteria = tuple(index.ds.criteria)
    chart_pairs = urls.without(state.pairs(), "o")
    return ExplorePage(
        state=state,
        json=_option_list(index, state, shown, found.result.total, found.analyses),
        result=found.result,
        answer=view.answer,
        verdicts=view.verdicts,
        charts={
            "wide": view.wide,
            "compact": view.compact,
            "downloads": {
                ext: urls.href(f"/charts/overview.{ext}", chart_pairs) for ext in ("svg", "png")
            },
        },
        axes=axes,
        shown=frozenset(o.slug for o in shown),
        filter_count=sum(1 for k, _ in state.pairs() if k not in NOT_FILTERS),
        whatif=tuple((index.stakeholders[b].name, state.with_position(b, 0)) for b in blockers),
        compare_notice=compare_notice,
        describe=functools.partial(describe_pair, index),
        criteria=criteria,
        filters=FilterChoices(
            categories=vocab.categories,
            statuses=vocab.statuses,
            attributes=tuple((a, vocab.attributes[a.slug]) for a in index.ds.attributes),
            criteria=criteria,
            stakeholders=tuple(s for s in index.ds.stakeholders if s.slug in holders),
        ),
        assumed=tuple(
            Assumed(
                index.stakeholders[h.who].name
                if h.who in index.stakeholders
                else index.conditions[h.who].title,
                h.value,
            )
            for h in state.assume
        ),
        ticked=tuple(index.options[slug].title for slug in state.o),
    )


def explored(
    index: Index, state: ExploreState
) -> tuple[list[Option], int, dict[str, VetoAnalysis]]:
    explored = explore_with_vetoes(index, state)
    return explored.result.options, explored.result.total, explored.analyses


def option_list(index: Index, state: ExploreState) -> api.OptionList:
    return _option_list(index, state, *explored(index, state))


def _option_list(
    index: Index,
    state: ExploreState,
    options: Sequence[Option],
    total: int,
    veto: Mapping[str, VetoAnalysis],
) -> api.OptionList:
    return api.OptionList(
        query=state.query(),
        count=len(options),
        total=total,
        options=[
            api.OptionSummary(
                slug=o.slug,
                title=o.title,
                category=o.category,
                status=o.status,
                summary=o.summary,
                scores={k: a.score for k, a in o.assessments.items()},
                max_hurdle=index.max_hurdle[o.slug],
                veto=veto[o.slug].status,
                veto_why=veto[o.slug].uncertain_kind,
                veto_route=veto[o.slug].route,
                href=urls.option(o.slug),
            )
            for o in options
        ],
    )


def option_list_table(result: api.OptionList, index: Index) -> Table:
    crits = list(index.criteria)
    header = ["slug", "title", "category", "status", "veto", "max_hurdle", *crits, "veto_why"]
    rows: list[list[object]] = [
        [o.slug, o.title, o.category, o.status, o.veto, o.max_hurdle]
        + [o.scores.get(c) for c in crits]
        + [o.veto_why]
        for o in result.options
    ]
    return header, rows


NAME_UP_TO = 2  # options named in the answer when this few are clear


@dataclass(frozen=True)
class Home:
    answer: str
    verdicts: dict[str, Verdict]
    wide: Chart | None  # None when no option is shown
    compact: Chart | None


def answer(index: Index, analyses: Mapping[str, VetoAnalysis]) -> str:
    """E.g. "Of 11 options, only Bilateral agreements is clear of vetoes; 6 are uncertain (3
    await a vote not yet held, 3 wait on silent veto holders), 2 blocked and 2 barred." Over
    every option, whatever the filters."""
    counts = Counter(str(a.status) for a in analyses.values())
    total = sum(counts.values())
    if not total:
        return "The dataset holds no option yet."
    clear = [index.options[s].title for s, a in analyses.items() if a.status == "clear"]
    if not clear:
        head = f"Of {total} options, none is clear of vetoes"
    elif len(clear) <= NAME_UP_TO:
        verb = "is" if len(clear) == 1 else "are"
        head = f"Of {total} options, only {join(clear)} {verb} clear of vetoes"
    else:
        head = f"Of {total} options, {len(clear)} are clear of vetoes"
    rest = [(counts[s], s.label.lower()) for s in list(VetoStatus)[1:] if counts[s]]
    if not rest:
        return head + "."
    words = [f"{n} {word}" for n, word in rest]
    n, word = rest[0]
    words[0] = f"{n} {'is' if n == 1 else 'are'} {word}"
    why = uncertain_why(analyses.values())
    if why:
        at = next(i for i, (_, word) in enumerate(rest) if word == "uncertain")
        words[at] += f" ({why})"
    return f"{head}; {join(words)}."


def uncertain_why(analyses: Iterable[VetoAnalysis]) -> str:
    """Why the uncertain options are uncertain, counted by kind: "3 await a vote not yet
    held, 3 wait on silent veto holders"."""
    kinds = Counter(str(a.uncertain_kind) for a in analyses if a.status == "uncertain")
    return join(
        [f"{kinds[k]} {UNCERTAIN_COUNTED[k][kinds[k] != 1]}" for k in UNCERTAIN_COUNTED if kinds[k]]
    )


def home(
    index: Index,
    analyses: Mapping[str, VetoAnalysis],
    shown: Sequence[Option],
    axes: tuple[str, str],
) -> Home:
    status = {slug: str(a.status) for slug, a in analyses.items()}
    names = {slug: s.name for slug, s in index.stakeholders.items()}
    x, y = axes
    return Home(
        answer=answer(index, analyses),
        verdicts=verdicts(analyses, names),
        wide=overview(index, shown, status, x, y) if shown else None,
        compact=overview_compact(index, shown, status, x, y) if shown else None,
    )


def home_card(index: Index, footer: str) -> ComparisonCard:
    """The preview image of every page without one of its own: the question, then the options
    by weighted score under the default weights, each with its veto status."""
    crit = index.ds.criteria
    ranked = weighted_scores(list(index.options.values()), crit, {})
    status = {slug: str(a.status) for slug, a in vetoes(index).items()}
    rows = tuple(
        RankedOption(index.options[r.option].title, r.score, status[r.option], r.rank)
        for r in ranked
    )
    return ComparisonCard(index.ds.dossier.title, index.ds.dossier.question, rows, footer)
