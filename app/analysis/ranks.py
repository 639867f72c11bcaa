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
independently; this counts every combination of scores without listing them one by one.
Beyond `EXACT_LIMIT` steps of work, a seeded Monte Carlo estimate draws `DRAWS` combinations
with `random.Random(SEED)`, so the same inputs always give the same answer.

Pure functions over `app.dataset.schema` models: no FastAPI, no database, no I/O.
"""

import bisect
import itertools
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Literal, Protocol

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
    chances: tuple[Fraction, ...]  # chances[r - 1]: probability of rank r; () when not ranked
    best: int | None  # best rank it can take at all (None: not ranked)
    worst: int | None  # worst rank it can take at all
    summary: str  # one line in plain English, e.g. "First in 62 % of cases"

    def chance(self, rank: int) -> Fraction:
        """The probability of `rank` (1 = best); 0 for a rank out of range or when unranked."""
        return self.chances[rank - 1] if 1 <= rank <= len(self.chances) else Fraction(0)

    def possible(self, rank: int) -> bool:
        """Whether any combination of scores gives the option this rank."""
        return self.best is not None and self.worst is not None and self.best <= rank <= self.worst

    def chance_text(self, rank: int) -> str:
        """The chance of `rank` as a reader sees it: '62 %', 'under 1 %', '0 %', '100 %'."""
        certain = self.best == self.worst == rank
        return percent(self.chance(rank), possible=self.possible(rank), certain=certain)

    @property
    def most_likely(self) -> int | None:
        """The most likely rank; the better one when two are equally likely."""
        if not self.chances:
            return None
        top = max(self.chances)
        return self.chances.index(top) + 1


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


@dataclass(frozen=True)
class _Dist:
    """One option's weighted score distribution, on a denominator shared by all options."""

    slug: str
    values: tuple[int, ...]  # ascending
    counts: tuple[int, ...]  # how many score combinations give each value
    total: int  # sum of counts
    upto: tuple[int, ...] = ()  # upto[i]: sum of counts[:i] (len(values) + 1 entries)


def percent(p: Fraction | float, *, possible: bool = False, certain: bool = True) -> str:
    """A probability as a whole percentage that never overstates: anything strictly between
    0 and 1 shows as 'under 1 %' .. 'over 99 %', never as '0 %' or '100 %'.

    A Monte Carlo estimate can be 0 for a rank that can happen (no draw hit it), or 1 for one
    that is not certain: `possible=True` and `certain=False` say so."""
    if p <= 0:
        return "under 1\u00a0%" if possible else "0\u00a0%"
    if p >= 1:
        return "100\u00a0%" if certain else "over 99\u00a0%"
    pct = round(float(p) * 100)
    if pct < 1:
        return "under 1\u00a0%"
    if pct > 99:
        return "over 99\u00a0%"
    return f"{pct}\u00a0%"


def ordinal(rank: int) -> str:
    """1 -> 'first', 2 -> 'second', ..., 9 -> '9th'."""
    if rank <= len(_ORDINALS):
        return _ORDINALS[rank - 1]
    suffix = "th" if 10 <= rank % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(rank % 10, "th")
    return f"{rank}{suffix}"


def _distributions(
    options: Sequence[Scored], criteria: Sequence[Weighed], weights: Mapping[str, int]
) -> tuple[list[_Dist], list[str]]:
    """Ranked options' score distributions, and the slugs of options that cannot be ranked."""
    raw: list[tuple[str, dict[int, int], int]] = []
    unranked: list[str] = []
    for o in options:
        nums: dict[int, int] = {0: 1}
        den = fixed = 0  # a score without a range only shifts every value: added at the end
        for c in criteria:
            w = weights.get(c.slug, c.default_weight)
            a = o.assessments.get(c.slug)
            if not w or a is None:
                continue
            lo, hi = score_range(a.score, a.low, a.high)
            den += w
            if lo == hi:
                fixed += w * utility(lo, c.direction)
                continue
            adds = [w * utility(s, c.direction) for s in range(lo, hi + 1)]
            step: dict[int, int] = {}
            for n, k in nums.items():
                for add in adds:
                    step[n + add] = step.get(n + add, 0) + k
            nums = step
        if den:
            raw.append((o.slug, {n + fixed: k for n, k in nums.items()}, den))
        else:
            unranked.append(o.slug)
    common = math.lcm(*(den for _, _, den in raw)) if raw else 1
    dists = []
    for slug, nums, den in raw:
        values = sorted(nums)
        counts = tuple(nums[v] for v in values)
        dists.append(
            _Dist(
                slug,
                tuple(v * (common // den) for v in values),
                counts,
                sum(counts),
                (0, *itertools.accumulate(counts)),
            )
        )
    return dists, unranked


def _exact_work(dists: Sequence[_Dist]) -> int:
    n = len(dists)
    return sum(len(d.values) for d in dists) * max(n - 1, 1) * n * (n + 1) // 2


def _exact(dists: Sequence[_Dist]) -> list[tuple[Fraction, ...]]:
    """For each option and each value v it reaches: the distribution of (how many others score
    above v, how many score v) is a product over the independent others; an option with g
    above and e level with it occupies ranks g+1 .. g+e+1, a share of 1/(e+1) each."""
    n = len(dists)
    share = math.lcm(*range(1, n + 1))  # integer shares of 1/(e+1)
    portions = [share // (e + 1) for e in range(n)]
    everything = math.prod(d.total for d in dists) * share
    base = n + 1  # grid cell (g, e) is keyed g * base + e: no tuples in the hot loop
    out = []
    # Runs once per weight change: the others' fields are read into locals, not looked up.
    fields = [(d.values, d.counts, d.upto, d.total, len(d.values)) for d in dists]
    for i, di in enumerate(dists):
        others = [f for j, f in enumerate(fields) if j != i]
        acc = [0] * n
        for v, count in zip(di.values, di.counts, strict=True):
            # An other wholly above (or below) v only scales the counts and shifts g: kept
            # aside, so the grid grows only for others that straddle v.
            scale, shift = count, 0
            straddle = []
            for values, counts, upto, total, size in others:
                k = bisect.bisect_left(values, v)
                level = counts[k] if k < size and values[k] == v else 0
                above = total - upto[k] - level
                if above == total:
                    scale *= total
                    shift += 1
                elif above + level == 0:
                    scale *= total
                else:
                    straddle.append((above, level, total - above - level))
            if not straddle:
                acc[shift] += scale * share
                continue
            # grid: number of combinations of the others with g above v and e equal to v.
            grid: dict[int, int] = {0: scale}
            for above, level, below in straddle:
                nxt: dict[int, int] = {}
                for cell, k in grid.items():
                    if above:
                        nxt[cell + base] = nxt.get(cell + base, 0) + k * above
                    if level:
                        nxt[cell + 1] = nxt.get(cell + 1, 0) + k * level
                    if below:
                        nxt[cell] = nxt.get(cell, 0) + k * below
                grid = nxt
            for cell, k in grid.items():
                g, e = divmod(cell, base)
                part = k * portions[e]
                for r in range(g + shift, g + shift + e + 1):
                    acc[r] += part
        out.append(tuple(Fraction(a, everything) for a in acc))
    return out


def _monte_carlo(dists: Sequence[_Dist], draws: int, seed: int) -> list[tuple[Fraction, ...]]:
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
    return [tuple(Fraction(a, draws * share) for a in row) for row in acc]


def _bounds(dists: Sequence[_Dist], i: int) -> tuple[int, int]:
    """The best and worst rank option i can take in any combination at all."""
    lo, hi = dists[i].values[0], dists[i].values[-1]
    others = [d for j, d in enumerate(dists) if j != i]
    always_above = sum(1 for d in others if d.values[0] > hi)
    always_below = sum(1 for d in others if d.values[-1] < lo)
    return 1 + always_above, len(dists) - always_below


def _summary(rc: RankChance) -> str:
    mode = rc.most_likely
    if mode is None:
        return "Not ranked: no assessed criterion carries weight"
    if rc.best == rc.worst:
        return f"{ordinal(mode).capitalize()} in every case"
    top = rc.chance_text(mode)
    if mode == 1:
        return f"First in {top} of cases"
    tail = f"first in {rc.chance_text(1)}" if rc.possible(1) else "never first"
    return f"Most often {ordinal(mode)} ({top} of cases); {tail}"


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
    dists, unranked = _distributions(options, criteria, weights)
    if method == "auto":
        method = "exact" if _exact_work(dists) <= exact_limit else "monte-carlo"
    exact = method == "exact"
    table = _exact(dists) if exact else _monte_carlo(dists, draws, seed)
    by_slug: dict[str, RankChance] = {}
    for i, (d, chances) in enumerate(zip(dists, table, strict=True)):
        rc = RankChance(d.slug, chances, *_bounds(dists, i), summary="")
        by_slug[d.slug] = replace(rc, summary=_summary(rc))
    for slug in unranked:
        rc = RankChance(slug, (), None, None, summary="")
        by_slug[slug] = replace(rc, summary=_summary(rc))
    return RankChances(
        method="exact" if exact else f"monte-carlo, {draws} draws, seed {seed}",
        exact=exact,
        draws=None if exact else draws,
        seed=None if exact else seed,
        ranks=len(dists),
        options=tuple(by_slug[o.slug] for o in options),
    )
