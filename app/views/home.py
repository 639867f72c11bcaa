"""The explore page's answer first: a sentence counting the options by veto status, each option's
one-line verdict, and the overview chart of the options shown.

Pure: no FastAPI, no database."""

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from app.analysis.index import Index, vetoes
from app.analysis.labels import UNCERTAIN_COUNTED
from app.analysis.scores import weighted_scores
from app.analysis.veto import VetoAnalysis
from app.charts.png import ComparisonCard, RankedOption
from app.charts.svg import Chart
from app.dataset.schema import Option
from app.dataset.vocabulary import VetoStatus
from app.views.charts import overview, overview_compact
from app.views.verdict import Verdict, join, verdicts

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
