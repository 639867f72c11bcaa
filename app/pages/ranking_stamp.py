"""The compare page's ranking block as a stamp (app.pages.stamp): what the weights change in it
(ranks, scores, chances, the sensitivity, the weights used, and the weights' text in every
link and form that carries it) is a value; everything else is markup rendered once per
comparison and shape.

The controls that carry the weights (an htmx weight change sends them out of band) are
rendered with a stand-in weighting (app.pages.compare.slotted), whose text then becomes value
0: the reader's weights, written into every link at once.

The shape is what the weights change in the block's structure rather than in its text: the
order of the options, which are ranked, whether any weight is set (links then carry `w=`),
whether a leader warning or an empty-ranking message shows, how the chances were computed and
how many ranks they share. Two weightings of one
comparison with the same shape give the same markup around different values.

`values` and `slotted` walk the page in the same order: the n-th value is what the n-th token
of the slotted page stands for. tests/web/test_ranking_stamp.py renders the block both ways
for many weightings and compares the bytes.

Pure: no FastAPI, no database."""

from collections.abc import Callable, Hashable, Iterator
from dataclasses import replace
from itertools import count
from typing import Any

from app.pages.compare import SLOT_TEXT, ComparePage, slotted_state, weights_text
from app.pages.comparison import ChanceRow, ChanceShare, CompareView, RankingRow
from app.pages.stamp import Stamp, token

WEIGHTS = 0  # the value the stand-in weighting's text becomes: the reader's `w=`


def shape(page: ComparePage, fragment: bool) -> Hashable:
    cv = page.cv
    chances = cv.chances
    return (
        fragment,
        bool(page.state.w),
        tuple((r.slug, r.rank is None) for r in cv.rows),
        cv.warning is None,
        page.snap.ranking.message is None,
        None if chances is None else (chances.method, chances.exact, chances.ranks),
        tuple(len(c.shares) for c in cv.chance_rows),
    )


def cut(html: str) -> Stamp:
    """The block rendered from `slotted`, as a stamp."""
    return Stamp.of(html.replace(SLOT_TEXT, token(WEIGHTS)))


def values(page: ComparePage) -> list[str]:
    """The block's values, in token order."""
    cv, ranking = page.cv, page.snap.ranking
    out = [weights_text(page.state)]
    if cv.warning is not None:
        out.append(cv.warning)
    for r in cv.rows:
        if r.rank is not None:
            out.append(str(r.rank))
        out += (r.score_text, r.chances)
    out += (ranking.sensitivity, ranking.formula)
    if ranking.message is not None:
        out.append(ranking.message)
    ranks = page.chart_urls["ranks"]
    out += (ranks["svg"], ranks["png"])
    for c in cv.chance_rows:
        for s in c.shares:
            out += (s.text, s.x, s.width)
    out += [str(w.weight) for w in page.snap.weights]
    return out


def slotted(page: ComparePage) -> ComparePage:
    """The page with a token in place of each value, and the stand-in weighting in place of
    the reader's (its links and forms carry SLOT_TEXT, which `cut` makes value 0)."""
    numbers: Iterator[int] = count(WEIGHTS + 1)

    def t() -> str:
        return token(next(numbers))

    cv, snap = page.cv, page.snap
    warning = None if cv.warning is None else t()
    rows = tuple(_row(r, t) for r in cv.rows)
    ranking: dict[str, Any] = {"sensitivity": t(), "formula": t()}
    if snap.ranking.message is not None:
        ranking["message"] = t()
    chart_urls = {**page.chart_urls, "ranks": {"svg": t(), "png": t()}}
    chance_rows = tuple(
        ChanceRow(c.title, tuple(ChanceShare(s.label, t(), t(), t(), s.fill) for s in c.shares))
        for c in cv.chance_rows
    )
    weights = [w.model_copy(update={"weight": t()}) for w in snap.weights]
    view = CompareView(rows, warning, cv.chances, chance_rows, cv.rank_fills)
    snap = snap.model_copy(
        update={"ranking": snap.ranking.model_copy(update=ranking), "weights": weights}
    )
    state = slotted_state(page.state)
    return replace(page, state=state, snap=snap, cv=view, chart_urls=chart_urls)


def _row(r: RankingRow, t: Callable[[], str]) -> RankingRow:
    rank: Any = None if r.rank is None else t()
    return r._replace(rank=rank, score_text=t(), chances=t())
