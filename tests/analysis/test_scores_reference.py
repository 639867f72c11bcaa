"""Sensitivity and rank ranges skip building rankings (integer arithmetic, for speed): they must
give what ranking every variant gives, on the default dataset under many weightings."""

import itertools
import random
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction

import pytest

from app.analysis.scores import (
    MAX_WEIGHT,
    MIN_WEIGHT,
    Flip,
    Ranked,
    RankRange,
    Sensitivity,
    rank_ranges,
    sensitivity,
    utility,
    weighted_scores,
)
from app.config import DEFAULT_DATASET
from app.dataset.check import load_dataset
from app.dataset.schema import Criterion, Option

# The reference: a ranking built from scratch for every variant, straight from the definition
# (weighted score = sum(weight * utility) / sum(weight); ties share a rank, keep input order).
Table = Mapping[str, Mapping[str, int]]


def _table(options: Sequence[Option], pick: Callable[[Option, str], int]) -> Table:
    return {o.slug: {slug: pick(o, slug) for slug in o.assessments} for o in options}


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
    ranked = sorted(scored, key=lambda p: (p[1] is None, -(p[1] or 0)))
    out: list[Ranked] = []
    for i, (slug, score) in enumerate(ranked):
        rank = None if score is None else i + 1
        if score is not None and i and ranked[i - 1][1] == score:
            rank = out[-1].rank
        out.append(Ranked(slug, score, rank))
    return out


def _leaders(ranked: Sequence[Ranked]) -> tuple[str, ...]:
    return tuple(r.option for r in ranked if r.rank == 1)


def _ends(o: Option, slug: str, direction: str, *, best: bool) -> int:
    low, high = o.assessments[slug].range
    return high if best == (direction != "lower-is-better") else low


def reference_sensitivity(
    options: list[Option], criteria: list[Criterion], weights: dict[str, int]
) -> Sensitivity:
    order = [o.slug for o in options]
    table = _table(options, lambda o, c: o.assessments[c].score)
    current = {c.slug: weights.get(c.slug, c.default_weight) for c in criteria}
    leaders = _leaders(_rank(order, table, criteria, current))
    if not leaders:
        return Sensitivity((), None, ())
    for delta in range(1, MAX_WEIGHT - MIN_WEIGHT + 1):
        flips = []
        for c in criteria:
            old = current[c.slug]
            for new in (old - delta, old + delta):
                if MIN_WEIGHT <= new <= MAX_WEIGHT:
                    after = _leaders(_rank(order, table, criteria, {**current, c.slug: new}))
                    if after and not set(after) & set(leaders):
                        flips.append(Flip(c.slug, old, new, after))
        if flips:
            return Sensitivity(leaders, delta, tuple(flips))
    return Sensitivity(leaders, None, ())


def reference_ranges(
    options: list[Option], criteria: list[Criterion], weights: dict[str, int]
) -> list[RankRange]:
    order = [o.slug for o in options]
    directions = {c.slug: c.direction for c in criteria}

    def rank_of(slug: str, best: bool) -> int | None:
        table = _table(
            options,
            lambda o, c: _ends(o, c, directions[c], best=best == (o.slug == slug)),
        )
        return next(r.rank for r in _rank(order, table, criteria, weights) if r.option == slug)

    return [RankRange(s, rank_of(s, True), rank_of(s, False)) for s in order]


def unassessed(options: list[Option], rng: random.Random) -> list[Option]:
    """The options with one assessment left out of some of them (not every option is assessed
    on every criterion: scores then have different denominators)."""
    out = []
    for o in options:
        if rng.random() < 0.5 and len(o.assessments) > 1:
            gone = rng.choice(sorted(o.assessments))
            keep = {k: v for k, v in o.assessments.items() if k != gone}
            o = o.model_copy(update={"assessments": keep})
        out.append(o)
    return out


def weightings(criteria: list[Criterion], rng: random.Random) -> list[dict[str, int]]:
    """Random weightings, and the edges: every weight 0 but one, every weight 5, some 0."""
    out = [{c.slug: rng.randint(0, 5) for c in criteria} for _ in range(16)]
    for keep in criteria[:3]:
        out.append({c.slug: (rng.randint(1, 5) if c is keep else 0) for c in criteria})
    out.append({c.slug: 5 for c in criteria})
    out.append({c.slug: rng.choice((0, 0, 1, 5)) for c in criteria})
    return out


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_fast_sensitivity_and_ranges_match_the_reference() -> None:
    ds = load_dataset(DEFAULT_DATASET)
    rng = random.Random(21)
    criteria = list(ds.criteria)
    for n in (2, 3, 4, 6):
        for combo in rng.sample(list(itertools.combinations(ds.options, n)), 10):
            for options in (list(combo), unassessed(list(combo), rng)):
                for weights in weightings(criteria, rng):
                    assert sensitivity(options, criteria, weights) == reference_sensitivity(
                        options, criteria, weights
                    )
                    assert rank_ranges(options, criteria, weights) == reference_ranges(
                        options, criteria, weights
                    )
                    table = _table(options, lambda o, c: o.assessments[c].score)
                    assert weighted_scores(options, criteria, weights) == _rank(
                        [o.slug for o in options], table, criteria, weights
                    )
