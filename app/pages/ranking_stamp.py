"""The compare page's ranking block as a stamp (app.pages.stamp): what the weights change in it
(ranks, scores, chances, the sensitivity, the weights used, the links that carry the weights)
is a value; everything else is markup rendered once per comparison and shape.

The shape is what the weights change in the block's structure rather than in its text: the
order of the options, which are ranked, whether a leader warning or an empty-ranking message
shows, how the chances were computed and how many ranks they share. Two weightings of one
comparison with the same shape give the same markup around different values.

`values` and `slotted` walk the page in the same order: the n-th value is what the n-th token
of the slotted page stands for. tests/web/test_ranking_stamp.py renders the block both ways
for many weightings and compares the bytes.

Pure: no FastAPI, no database."""

from collections.abc import Callable, Hashable, Iterator
from dataclasses import replace
from itertools import count
from typing import Any

from markupsafe import Markup

from app.pages.compare import ComparePage
from app.pages.comparison import ChanceRow, ChanceShare, CompareView, RankingRow
from app.pages.stamp import token


def shape(page: ComparePage, fragment: bool) -> Hashable:
    cv = page.cv
    chances = cv.chances
    return (
        fragment,
        tuple((r.slug, r.rank is None) for r in cv.rows),
        cv.warning is None,
        page.snap.ranking.message is None,
        None if chances is None else (chances.method, chances.exact, chances.ranks),
        tuple(len(c.shares) for c in cv.chance_rows),
    )


def values(page: ComparePage, carried: dict[str, Markup], fragment: bool) -> list[str | Markup]:
    """The block's values, in token order."""
    cv, ranking = page.cv, page.snap.ranking
    out: list[str | Markup] = [carried["carried"]] if fragment else []
    out.append(carried["add_form"])
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


def slotted(page: ComparePage, fragment: bool) -> tuple[ComparePage, dict[str, str]]:
    """The page with a token in place of each value, and the carried controls' tokens."""
    numbers: Iterator[int] = count()

    def t() -> str:
        return token(next(numbers))

    carried = {"carried": t()} if fragment else {}
    carried["add_form"] = t()
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
    return replace(page, snap=snap, cv=view, chart_urls=chart_urls), carried


def _row(r: RankingRow, t: Callable[[], str]) -> RankingRow:
    rank: Any = None if r.rank is None else t()
    return replace(r, rank=rank, score_text=t(), chances=t())
