"""Sensitivity and rank ranges skip building rankings (integer arithmetic, for speed): they must
give what ranking every variant gives, on the default dataset under many weightings."""

import itertools
import random

import pytest

from app.analysis.scores import (
    MAX_WEIGHT,
    MIN_WEIGHT,
    Flip,
    RankRange,
    Sensitivity,
    _ends,
    _leaders,
    _rank,
    _table,
    rank_ranges,
    sensitivity,
)
from app.config import DEFAULT_DATASET
from app.dataset.check import load_dataset
from app.dataset.schema import Criterion, Option


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


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_fast_sensitivity_and_ranges_match_the_reference() -> None:
    ds = load_dataset(DEFAULT_DATASET)
    rng = random.Random(21)
    criteria = list(ds.criteria)
    for n in (2, 3, 4, 6):
        for combo in rng.sample(list(itertools.combinations(ds.options, n)), 8):
            options = list(combo)
            for _ in range(12):
                weights = {c.slug: rng.randint(0, 5) for c in criteria}
                assert sensitivity(options, criteria, weights) == reference_sensitivity(
                    options, criteria, weights
                )
                assert rank_ranges(options, criteria, weights) == reference_ranges(
                    options, criteria, weights
                )
