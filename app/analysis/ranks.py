"""Rank chances: how likely each option is to take each rank when its scores are uncertain.

The model: every assessed score varies uniformly and independently over the whole numbers of
its low..high range (a score without a range stays put). In each combination of scores the
options are ranked by weighted score, exactly as `app.analysis.scores` ranks them: utility is
the score, or 6 minus it where lower is better, weighted by the criterion weights (a criterion
missing from `weights` takes its default weight).

Ties: options whose weighted scores are equal share the ranks they occupy equally. When two
options tie for first, each counts half a first place and half a second place. So every
option's chances add up to 1, and so do the chances of every rank across the options. (The
ranking table's competition ranks, 1, 1, 3, would give two firsts and no second.)

Method: exact whenever the work is small enough, which it is for any comparison a reader can
make. For each option and each weighted score it can reach, the chance that k others score
higher and m the same follows from the others' own score distributions, because options vary
independently; this counts every combination of scores without listing them one by one
(app.analysis.rank_counts, written for speed: it runs on every weight change).
Beyond `EXACT_LIMIT` steps of work, a seeded Monte Carlo estimate draws `DRAWS` combinations
with `random.Random(SEED)`, so the same inputs always give the same answer.

Pure functions over `app.dataset.schema` models: no FastAPI, no database, no I/O.
"""

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Literal, Protocol

from app.analysis.rank_counts import Cells, Dist, distributions, exact, exact_work
from app.analysis.scores import utility
from app.dataset.vocabulary import score_range


# What rank chances read of options and criteria: the schema's Option and Criterion have these,
# and so do the plain records a frozen comparison snapshot is turned into (app.pages.comparison).
class ScoreRange(Protocol):
    @property
    def score(self) -> int: ...
    @property
    def low(self) -> int | None: ...
    @property
    def high(self) -> int | None: ...


class Scored(Protocol):
    @property
    def slug(self) -> str: ...
    @property
    def assessments(self) -> Mapping[str, ScoreRange]: ...


class Weighed(Protocol):
    @property
    def slug(self) -> str: ...
    @property
    def direction(self) -> str: ...
    @property
    def default_weight(self) -> int: ...


DRAWS = 20_000
SEED = 20_240_613
EXACT_LIMIT = 30_000_000  # estimated steps (about 2 s); beyond it, Monte Carlo is used
Method = Literal["auto", "exact", "monte-carlo"]

METHOD_TEXT = (
    "Each score varies over the whole numbers of its low–high range, every value equally "
    "likely and every score independently of the others. Options that tie share the ranks they "
    "occupy equally. The chances are computed exactly, counting every combination of scores; "
    f"only when that would take too long are {DRAWS:,} combinations drawn at random instead, "
    "with a fixed seed, so that the same comparison always shows the same figures."
)

_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")


@dataclass(frozen=True)
class RankChance:
    option: str
    # counts[r - 1] / whole: the probability of rank r; () when not ranked. Whole numbers over
    # one denominator, as they are counted: a weight change formats them without a Fraction.
    counts: tuple[int, ...]
    whole: int
    best: int | None  # best rank it can take at all (None: not ranked)
    worst: int | None  # worst rank it can take at all
    summary: str  # one line in plain English, e.g. "First in 62 % of cases"

    @cached_property
    def chances(self) -> tuple[Fraction, ...]:
        """chances[r - 1]: the probability of rank r, in lowest terms; () when not ranked."""
        return tuple(Fraction(c, self.whole) for c in self.counts)

    def chance(self, rank: int) -> Fraction:
        """The probability of `rank` (1 = best); 0 for a rank out of range or when unranked."""
        return self.chances[rank - 1] if 1 <= rank <= len(self.chances) else Fraction(0)

    def share(self, rank: int) -> float:
        """float(self.chance(rank)), read from the counts."""
        return self.counts[rank - 1] / self.whole if 1 <= rank <= len(self.counts) else 0.0

    def possible(self, rank: int) -> bool:
        """Whether any combination of scores gives the option this rank."""
        return self.best is not None and self.worst is not None and self.best <= rank <= self.worst

    def chance_text(self, rank: int) -> str:
        """The chance of `rank` as a reader sees it: '62 %', 'under 1 %', '0 %', '100 %'."""
        return _chance_text(self.counts, self.whole, self.best, self.worst, rank)

    @property
    def most_likely(self) -> int | None:
        """The most likely rank; the better one when two are equally likely."""
        if not self.counts:
            return None
        return self.counts.index(max(self.counts)) + 1


@dataclass(frozen=True)
class RankChances:
    method: str  # "exact" or "monte-carlo, 20000 draws, seed 20240613"
    exact: bool
    draws: int | None  # Monte Carlo only
    seed: int | None  # Monte Carlo only
    ranks: int  # how many ranks are shared out: the number of ranked options
    options: tuple[RankChance, ...]  # in input order, unranked options included

    def of(self, option: str) -> RankChance:
        """Raises KeyError for an option that was not given."""
        for rc in self.options:
            if rc.option == option:
                return rc
        raise KeyError(option)


def percent(p: Fraction | float, *, possible: bool = False, certain: bool = True) -> str:
    """A probability as a whole percentage that never overstates: anything strictly between
    0 and 1 shows as 'under 1 %' .. 'over 99 %', never as '0 %' or '100 %'.

    A Monte Carlo estimate can be 0 for a rank that can happen (no draw hit it), or 1 for one
    that is not certain: `possible=True` and `certain=False` say so."""
    num, den = (p.numerator, p.denominator) if isinstance(p, Fraction) else p.as_integer_ratio()
    return _percent(num, den, possible, certain)


def _percent(num: int, den: int, possible: bool, certain: bool) -> str:
    """`percent` of num / den (den > 0): whole numbers compare faster than fractions, and as
    exactly."""
    if num <= 0:
        return "under 1\u00a0%" if possible else "0\u00a0%"
    if num >= den:
        return "100\u00a0%" if certain else "over 99\u00a0%"
    pct = round(num / den * 100)  # num / den is float(p)
    if pct < 1:
        return "under 1\u00a0%"
    if pct > 99:
        return "over 99\u00a0%"
    return f"{pct}\u00a0%"


def _chance_text(
    counts: Sequence[int], whole: int, best: int | None, worst: int | None, rank: int
) -> str:
    possible = best is not None and worst is not None and best <= rank <= worst
    num = counts[rank - 1] if 1 <= rank <= len(counts) else 0
    return _percent(num, whole, possible, best == worst == rank)


def ordinal(rank: int) -> str:
    """1 -> 'first', 2 -> 'second', ..., 9 -> '9th'."""
    if rank <= len(_ORDINALS):
        return _ORDINALS[rank - 1]
    suffix = "th" if 10 <= rank % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(rank % 10, "th")
    return f"{rank}{suffix}"


def _monte_carlo(dists: Sequence[Dist], draws: int, seed: int) -> tuple[list[list[int]], int]:
    n = len(dists)
    share = math.lcm(*range(1, n + 1))
    rng = random.Random(seed)
    tables = []
    for d in dists:
        cum, run = [], 0
        for k in d.counts:
            run += k
            cum.append(run)
        tables.append((list(d.values), cum))
    acc = [[0] * n for _ in range(n)]
    for _ in range(draws):
        drawn = [rng.choices(values, cum_weights=cum)[0] for values, cum in tables]
        order = sorted(range(n), key=lambda i: -drawn[i])
        start = 0
        while start < n:
            end = start + 1
            while end < n and drawn[order[end]] == drawn[order[start]]:
                end += 1
            part = share // (end - start)
            for i in order[start:end]:
                for r in range(start, end):
                    acc[i][r] += part
            start = end
    return acc, draws * share


def _bounds(dists: Sequence[Dist]) -> list[tuple[int, int]]:
    """The best and worst rank each option can take in any combination at all."""
    lows, highs = [d.low for d in dists], [d.high for d in dists]
    return [
        (1 + sum(lo > d.high for lo in lows), len(dists) - sum(hi < d.low for hi in highs))
        for d in dists
    ]


_UNRANKED = "Not ranked: no assessed criterion carries weight"


def _summary(counts: Sequence[int], whole: int, best: int, worst: int, mode: int) -> str:
    """One line on an option's chances; `mode` is its most likely rank (RankChance.most_likely)."""
    if best == worst:
        return f"{ordinal(mode).capitalize()} in every case"
    top = _chance_text(counts, whole, best, worst, mode)
    if mode == 1:
        return f"First in {top} of cases"
    first = _chance_text(counts, whole, best, worst, 1)
    tail = f"first in {first}" if best <= 1 else "never first"
    return f"Most often {ordinal(mode)} ({top} of cases); {tail}"


@dataclass(frozen=True)
class Scoring:
    """What rank chances read of the options, weights aside: each option's slug and, per
    assessed criterion, (the criterion's index in the weights, its lowest and highest utility).
    Built once per comparison; a new weighting reuses it (app.pages.comparison keeps it)."""

    slugs: tuple[str, ...]
    cells: tuple[Cells, ...]  # one per option


def utilities(score: int, low: int | None, high: int | None, direction: str) -> tuple[int, int]:
    """The lowest and the highest utility a score's range reaches."""
    lo, hi = (utility(s, direction) for s in score_range(score, low, high))
    return (lo, hi) if lo <= hi else (hi, lo)


def scoring(options: Sequence[Scored], criteria: Sequence[Weighed]) -> Scoring:
    cells = []
    for o in options:
        own = []
        for ci, c in enumerate(criteria):
            a = o.assessments.get(c.slug)
            if a is not None:
                own.append((ci, *utilities(a.score, a.low, a.high, c.direction)))
        cells.append(tuple(own))
    return Scoring(tuple(o.slug for o in options), tuple(cells))


def rank_chances(
    options: Sequence[Scored],
    criteria: Sequence[Weighed],
    weights: Mapping[str, int],
    *,
    method: Method = "auto",
    draws: int = DRAWS,
    seed: int = SEED,
    exact_limit: int = EXACT_LIMIT,
) -> RankChances:
    """Each option's chance of each rank (1 = best) when every score varies uniformly and
    independently over its low..high range. `method="auto"` is exact unless that would take
    more than `exact_limit` steps; "exact" and "monte-carlo" force one method.

    An option with no assessed criterion that carries weight is not ranked: its chances are
    empty, and it takes no share of any rank."""
    return chances(
        scoring(options, criteria),
        [weights.get(c.slug, c.default_weight) for c in criteria],
        method=method,
        draws=draws,
        seed=seed,
        exact_limit=exact_limit,
    )


def chances(
    scored: Scoring,
    weights: Sequence[int],
    *,
    method: Method = "auto",
    draws: int = DRAWS,
    seed: int = SEED,
    exact_limit: int = EXACT_LIMIT,
) -> RankChances:
    """`rank_chances` for options already read into a `Scoring`; `weights[i]` is the weight of
    the criterion of index i."""
    dists, unranked = distributions(scored.slugs, scored.cells, weights)
    if method == "auto":
        method = "exact" if exact_work(dists) <= exact_limit else "monte-carlo"
    is_exact = method == "exact"
    table, whole = exact(dists) if is_exact else _monte_carlo(dists, draws, seed)
    by_slug = {slug: RankChance(slug, (), 1, None, None, _UNRANKED) for slug in unranked}
    for d, row, (best, worst) in zip(dists, table, _bounds(dists), strict=True):
        mode = row.index(max(row)) + 1  # on one denominator: the numerators order the chances
        by_slug[d.slug] = RankChance(
            d.slug, tuple(row), whole, best, worst, _summary(row, whole, best, worst, mode)
        )
    return RankChances(
        method="exact" if is_exact else f"monte-carlo, {draws} draws, seed {seed}",
        exact=is_exact,
        draws=None if is_exact else draws,
        seed=None if is_exact else seed,
        ranks=len(dists),
        options=tuple(by_slug[slug] for slug in scored.slugs),
    )
