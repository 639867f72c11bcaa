"""Weighted scores, ranks and their sensitivity to the weights.

utility = score for a higher-is-better criterion and 6 - score for a lower-is-better one;
weighted score = sum(weight * utility) / sum(weight), over the criteria the option is assessed
on. Arithmetic is exact (Fraction), so ties are real ties rather than float accidents.

Pure functions over `app.dataset.schema` models: no FastAPI, no database, no I/O.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import NamedTuple

from app.dataset.schema import Criterion, Option

MIN_WEIGHT, MAX_WEIGHT = 0, 5
FORMULA = (
    "Each option's weighted score is the sum over criteria of weight × utility divided by the "
    "sum of the weights, where utility is the score (1–5) for a criterion where higher is "
    "better and 6 minus the score where lower is better."
)

Table = Mapping[str, Mapping[str, int]]  # option slug -> criterion slug -> score


# Made anew on every weight change: named tuples, which cost a third of a frozen dataclass
# to make.
class Ranked(NamedTuple):
    option: str
    score: Fraction | None  # None: no assessed criterion carries weight
    rank: int | None  # competition ranking (1, 1, 3): ties share a rank


class Flip(NamedTuple):
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


class RankRange(NamedTuple):
    option: str
    best: int | None
    worst: int | None


def utility(score: int, direction: str) -> int:
    return 6 - score if direction == "lower-is-better" else score


@dataclass(frozen=True)
class ScoreTable:
    """What ranking under any weights reads of some options, built once for them: each
    option's utility on each criterion (None where it is not assessed), and at the ends of its
    score's range that are best and worst for it. A weight change of a comparison reuses it."""

    order: tuple[str, ...]  # option slugs
    criteria: tuple[str, ...]
    defaults: tuple[int, ...]  # each criterion's default weight
    utils: tuple[tuple[int | None, ...], ...]  # [option][criterion]
    columns: tuple[tuple[int | None, ...], ...]  # [criterion][option]: the same, turned
    best: tuple[tuple[int | None, ...], ...]  # [option][criterion], at the range's good end
    worst: tuple[tuple[int | None, ...], ...]
    ranged: bool  # whether any score has a range
    complete: bool  # whether every option is assessed on every criterion

    def weights(self, weights: Mapping[str, int]) -> list[int]:
        """Each criterion's weight, its default where `weights` leaves it out."""
        return [weights.get(c, d) for c, d in zip(self.criteria, self.defaults, strict=True)]


def score_table(options: Sequence[Option], criteria: Sequence[Criterion]) -> ScoreTable:
    def row(o: Option, end: Callable[[int, int], int]) -> tuple[int | None, ...]:
        out: list[int | None] = []
        for c in criteria:
            a = o.assessments.get(c.slug)
            if a is None:
                out.append(None)
                continue
            low, high = a.range
            out.append(end(utility(low, c.direction), utility(high, c.direction)))
        return tuple(out)

    utils = tuple(
        tuple(
            utility(o.assessments[c.slug].score, c.direction) if c.slug in o.assessments else None
            for c in criteria
        )
        for o in options
    )
    return ScoreTable(
        order=tuple(o.slug for o in options),
        criteria=tuple(c.slug for c in criteria),
        defaults=tuple(c.default_weight for c in criteria),
        utils=utils,
        columns=tuple(zip(*utils, strict=True)) if utils else ((),) * len(criteria),
        best=tuple(row(o, max) for o in options),
        worst=tuple(row(o, min) for o in options),
        ranged=has_ranges(options),
        complete=all(u is not None for row in utils for u in row),
    )


def ranked_by(table: ScoreTable, weights: Sequence[int]) -> list[Ranked]:
    """`weighted_scores` on a table, with each criterion's weight in table order."""
    scored: list[tuple[str, Fraction | None]] = []
    for slug, row in zip(table.order, table.utils, strict=True):
        num, den = _sums(row, weights)
        scored.append((slug, Fraction(num, den) if den else None))
    # Stable sort, also when reversed: equal scores keep column order; unranked options go
    # last. Reversed rather than negated: a negated Fraction is a new one.
    ranked = sorted(scored, key=lambda p: (p[1] is not None, p[1] or 0), reverse=True)
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
    table = score_table(options, criteria)
    return ranked_by(table, table.weights(weights))


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
    table = score_table(options, criteria)
    return sensitivity_of(table, table.weights(weights))


def sensitivity_of(table: ScoreTable, current: Sequence[int]) -> Sensitivity:
    """`sensitivity` on a table, with each criterion's weight in table order."""
    order = table.order
    sums = [_sums(row, current) for row in table.utils]
    nums, dens = [n for n, _ in sums], [d for _, d in sums]
    leaders = _leaders_after(order, nums, dens, [None] * len(order), 0)
    if not leaders:
        return Sensitivity((), None, ())
    if table.complete:
        return _sensitivity_linear(table, current, nums, dens[0], leaders)
    lead = set(leaders)
    for delta in range(1, MAX_WEIGHT - MIN_WEIGHT + 1):
        flips: list[Flip] = []
        for i, slug in enumerate(table.criteria):
            old = current[i]
            for new in (old - delta, old + delta):
                if not MIN_WEIGHT <= new <= MAX_WEIGHT:
                    continue
                after = _leaders_after(order, nums, dens, table.columns[i], new - old)
                if after and lead.isdisjoint(after):
                    flips.append(Flip(slug, old, new, after))
        if flips:
            return Sensitivity(leaders, delta, tuple(flips))
    return Sensitivity(leaders, None, ())


def _sensitivity_linear(
    table: ScoreTable,
    current: Sequence[int],
    nums: Sequence[int],
    den: int,
    leaders: tuple[str, ...],
) -> Sensitivity:
    """`sensitivity_of` when every option is assessed on every criterion, so all share the
    denominator and the leaders share the numerator N. Moving criterion i by s adds s * u to
    each numerator: an other (numerator n, utility u) passes every leader when s raises a
    weight and u beats the leaders' best utility b by s * (u - b) > N - n, or when s lowers it
    and u falls short of their worst by more in the same way. So the smallest step that
    changes the leader is worked out per criterion, and only the steps of the smallest size
    are tried: a few calls where the plain search makes up to seventy."""
    lead = set(leaders)
    at = [k for k, slug in enumerate(table.order) if slug in lead]
    top = nums[at[0]]
    smallest: list[tuple[int | None, int | None]] = []  # per criterion: (lowering, raising)
    for i, old in enumerate(current):
        column = table.columns[i]
        if len(at) == 1:  # one leader, the usual case: its utility bounds both ways
            best = worst = column[at[0]] or 0
        else:
            best = max(column[k] or 0 for k in at)
            worst = min(column[k] or 0 for k in at)
        down: int | None = None
        up: int | None = None
        for k, u in enumerate(column):
            if u is None or k in at:
                continue
            if u > best:
                step = (top - nums[k]) // (u - best) + 1
                up = step if up is None else min(up, step)
            elif u < worst:
                step = (top - nums[k]) // (worst - u) + 1
                down = step if down is None else min(down, step)
        # Within 0..5. (A step that leaves no weight at all cannot be found here: with one
        # criterion weighted, lowering it never reorders the options before it reaches 0.)
        fits_up = up is not None and old + up <= MAX_WEIGHT
        fits_down = down is not None and old - down >= MIN_WEIGHT
        smallest.append((down if fits_down else None, up if fits_up else None))
    steps = [s for pair in smallest for s in pair if s is not None]
    if not steps:
        return Sensitivity(leaders, None, ())
    delta = min(steps)
    flips = []
    dens = [den] * len(nums)
    for i, (slug, (down, up)) in enumerate(zip(table.criteria, smallest, strict=True)):
        old = current[i]
        for smallest_step, new in ((down, old - delta), (up, old + delta)):
            if smallest_step == delta:
                after = _leaders_after(table.order, nums, dens, table.columns[i], new - old)
                flips.append(Flip(slug, old, new, after))
    return Sensitivity(leaders, delta, tuple(flips))


def has_ranges(options: Sequence[Option]) -> bool:
    return any(a.range != (a.score, a.score) for o in options for a in o.assessments.values())


def rank_ranges(
    options: Sequence[Option], criteria: Sequence[Criterion], weights: Mapping[str, int]
) -> list[RankRange]:
    """Each option's best rank (its scores at the good end of their ranges, everyone else's at
    the bad end) and worst rank (the other way round), in input order.

    A rank is 1 + the number of others scoring strictly higher (ties share a rank, as in
    `weighted_scores`); scores num/den compare exactly by cross-multiplication."""
    table = score_table(options, criteria)
    return rank_ranges_of(table, table.weights(weights))


def rank_ranges_of(table: ScoreTable, ws: Sequence[int]) -> list[RankRange]:
    """`rank_ranges` on a table, with each criterion's weight in table order."""
    # (num, den) of each option's weighted score at the good ends, then at the bad ends.
    scored = []
    for best, worst in zip(table.best, table.worst, strict=True):
        good, den = _sums(best, ws)
        scored.append(((good, den), (_sums(worst, ws)[0], den)))

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

    return [
        RankRange(slug, rank_of(i, True), rank_of(i, False)) for i, slug in enumerate(table.order)
    ]
