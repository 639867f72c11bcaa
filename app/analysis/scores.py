"""Weighted scores, ranks and their sensitivity to the weights.

utility = score for a higher-is-better criterion and 6 - score for a lower-is-better one;
weighted score = sum(weight * utility) / sum(weight), over the criteria the option is assessed
on. Arithmetic is exact (Fraction), so ties are real ties rather than float accidents.

Pure functions over `app.dataset.schema` models: no FastAPI, no database, no I/O.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from app.dataset.schema import Criterion, Option

MIN_WEIGHT, MAX_WEIGHT = 0, 5
FORMULA = (
    "Each option's weighted score is the sum over criteria of weight × utility divided by the "
    "sum of the weights, where utility is the score (1–5) for a criterion where higher is "
    "better and 6 minus the score where lower is better."
)

Table = Mapping[str, Mapping[str, int]]  # option slug -> criterion slug -> score


@dataclass(frozen=True)
class Ranked:
    option: str
    score: Fraction | None  # None: no assessed criterion carries weight
    rank: int | None  # competition ranking (1, 1, 3): ties share a rank


@dataclass(frozen=True)
class Flip:
    """One single-weight change that hands the lead to someone else."""

    criterion: str
    old: int
    new: int
    leaders: tuple[str, ...]  # who would lead afterwards (several on a tie)


@dataclass(frozen=True)
class Sensitivity:
    leaders: tuple[str, ...]  # current leaders; empty when nothing is ranked
    delta: int | None  # size of the smallest change that changes the leader
    flips: tuple[Flip, ...]  # every change of that size, in criterion order, lowering first


@dataclass(frozen=True)
class RankRange:
    option: str
    best: int | None
    worst: int | None


def utility(score: int, direction: str) -> int:
    return 6 - score if direction == "lower-is-better" else score


def _table(options: Sequence[Option], pick: Callable[[Option, str], int | None]) -> Table:
    out: dict[str, dict[str, int]] = {}
    for o in options:
        row: dict[str, int] = {}
        for slug in o.assessments:
            value = pick(o, slug)
            if value is not None:
                row[slug] = value
        out[o.slug] = row
    return out


def _rank(
    order: Sequence[str], table: Table, criteria: Sequence[Criterion], weights: Mapping[str, int]
) -> list[Ranked]:
    scored: list[tuple[str, Fraction | None]] = []
    for slug in order:
        num, den = 0, 0
        for c in criteria:
            w = weights.get(c.slug, c.default_weight)
            value = table[slug].get(c.slug)
            if w and value is not None:
                num += w * utility(value, c.direction)
                den += w
        scored.append((slug, Fraction(num, den) if den else None))
    # Stable sort: equal scores keep column order; unranked options go last.
    ranked = sorted(scored, key=lambda p: (p[1] is None, -(p[1] or 0)))
    out: list[Ranked] = []
    for i, (slug, score) in enumerate(ranked):
        if score is None:
            rank = None
        elif i and ranked[i - 1][1] == score:
            rank = out[-1].rank
        else:
            rank = i + 1
        out.append(Ranked(slug, score, rank))
    return out


def _leaders(ranked: Sequence[Ranked]) -> tuple[str, ...]:
    return tuple(r.option for r in ranked if r.rank == 1)


def weighted_scores(
    options: Sequence[Option], criteria: Sequence[Criterion], weights: Mapping[str, int]
) -> list[Ranked]:
    """Options ranked by weighted score, best first; ties share a rank and keep input order.

    A criterion missing from `weights` takes its default weight."""
    table = _table(options, lambda o, c: o.assessments[c].score)
    return _rank([o.slug for o in options], table, criteria, weights)


def _sums(row: Sequence[int | None], weights: Sequence[int]) -> tuple[int, int]:
    """An option's weighted score as (numerator, denominator)."""
    num = den = 0
    for w, u in zip(weights, row, strict=True):
        if w and u is not None:
            num += w * u
            den += w
    return num, den


def _leaders_after(
    order: Sequence[str],
    nums: Sequence[int],
    dens: Sequence[int],
    column: Sequence[int | None],
    step: int,
) -> tuple[str, ...]:
    """The leaders for these (numerator, denominator) sums after one weight moves by `step`
    (0: as they are): each option's sums move by the step times its utility on that criterion
    (`column`; None: not assessed, so they stay). Weighted scores num/den compare exactly by
    cross-multiplication; equal leaders keep column order. One loop and no ranking built:
    sensitivity asks it up to 70 times per weighting."""
    top: list[str] = []
    best_num, best_den = 0, 0
    for slug, num, den, u in zip(order, nums, dens, column, strict=True):
        if u is not None:
            num += step * u
            den += step
        if not den:
            continue
        if not top or num * best_den > best_num * den:
            top, best_num, best_den = [slug], num, den
        elif num * best_den == best_num * den:
            top.append(slug)
    return tuple(top)


def sensitivity(
    options: Sequence[Option], criteria: Sequence[Criterion], weights: Mapping[str, int]
) -> Sensitivity:
    """The smallest change of one weight (whole steps within 0..5) after which none of the
    current leaders leads any more, and who would lead instead."""
    order = [o.slug for o in options]
    utils = [
        [
            utility(o.assessments[c.slug].score, c.direction) if c.slug in o.assessments else None
            for c in criteria
        ]
        for o in options
    ]
    current = [weights.get(c.slug, c.default_weight) for c in criteria]
    sums = [_sums(row, current) for row in utils]
    nums, dens = [n for n, _ in sums], [d for _, d in sums]
    leaders = _leaders_after(order, nums, dens, [None] * len(order), 0)
    if not leaders:
        return Sensitivity((), None, ())
    lead = set(leaders)
    columns = [tuple(row[i] for row in utils) for i in range(len(criteria))]
    for delta in range(1, MAX_WEIGHT - MIN_WEIGHT + 1):
        flips: list[Flip] = []
        for i, c in enumerate(criteria):
            old = current[i]
            for new in (old - delta, old + delta):
                if not MIN_WEIGHT <= new <= MAX_WEIGHT:
                    continue
                after = _leaders_after(order, nums, dens, columns[i], new - old)
                if after and lead.isdisjoint(after):
                    flips.append(Flip(c.slug, old, new, after))
        if flips:
            return Sensitivity(leaders, delta, tuple(flips))
    return Sensitivity(leaders, None, ())


def _ends(o: Option, slug: str, direction: str, *, best: bool) -> int:
    """The end of an assessment's low..high range that is best (or worst) for the option."""
    a = o.assessments[slug]
    low, high = a.range
    high_is_good = direction != "lower-is-better"
    return high if best == high_is_good else low


def has_ranges(options: Sequence[Option]) -> bool:
    return any(a.range != (a.score, a.score) for o in options for a in o.assessments.values())


def rank_ranges(
    options: Sequence[Option], criteria: Sequence[Criterion], weights: Mapping[str, int]
) -> list[RankRange]:
    """Each option's best rank (its scores at the good end of their ranges, everyone else's at
    the bad end) and worst rank (the other way round), in input order.

    A rank is 1 + the number of others scoring strictly higher (ties share a rank, as in
    `_rank`); scores num/den compare exactly by cross-multiplication."""
    ws = [weights.get(c.slug, c.default_weight) for c in criteria]

    def ends(o: Option) -> tuple[tuple[int, int], tuple[int, int]]:
        """(num, den) of the weighted score at the good ends, then at the bad ends."""
        good = bad = den = 0
        for c, w in zip(criteria, ws, strict=True):
            if not w or c.slug not in o.assessments:
                continue
            lo = _ends(o, c.slug, c.direction, best=False)
            hi = _ends(o, c.slug, c.direction, best=True)
            good += w * utility(hi, c.direction)
            bad += w * utility(lo, c.direction)
            den += w
        return (good, den), (bad, den)

    scored = [ends(o) for o in options]

    def rank_of(i: int, best: bool) -> int | None:
        num, den = scored[i][0 if best else 1]
        if not den:
            return None
        above = 0
        for j, (good, bad) in enumerate(scored):
            other, oden = bad if best else good
            if j != i and oden and other * den > num * oden:
                above += 1
        return 1 + above

    return [RankRange(o.slug, rank_of(i, True), rank_of(i, False)) for i, o in enumerate(options)]
