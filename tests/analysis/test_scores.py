"""Weighted scores, ranks, sensitivity and rank ranges, checked against hand computations."""

from fractions import Fraction
from typing import Any

from app.analysis.scores import (
    Flip,
    rank_ranges,
    sensitivity,
    utility,
    weighted_scores,
)
from app.dataset.schema import Criterion, Option

SCALE = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}


def crit(slug: str, weight: int, direction: str = "higher-is-better") -> Criterion:
    return Criterion(
        slug=slug, title=slug.upper(), direction=direction, default_weight=weight, scale=SCALE
    )


def opt(slug: str, **scores: int | tuple[int, int, int]) -> Option:
    assessments: dict[str, Any] = {}
    for c, s in scores.items():
        a: dict[str, Any] = {"confidence": "medium", "rationale": "r", "sources": [{"id": "s"}]}
        if isinstance(s, tuple):
            a.update(score=s[0], low=s[1], high=s[2])
        else:
            a["score"] = s
        assessments[c] = a
    return Option.model_validate(
        {
            "slug": slug,
            "title": slug.title(),
            "category": "c",
            "status": "proposed",
            "summary": "s",
            "assessments": assessments,
        }
    )


A, B = crit("a", 3), crit("b", 1, "lower-is-better")
X, Y, Z = opt("x", a=4, b=2), opt("y", a=5, b=5), opt("z", a=2, b=1)


def ranks(ranked: list) -> list[tuple[str, Fraction | None, int | None]]:
    return [(r.option, r.score, r.rank) for r in ranked]


def test_utility_inverts_lower_is_better() -> None:
    assert utility(4, "higher-is-better") == 4
    assert utility(4, "lower-is-better") == 2
    assert utility(1, "lower-is-better") == 5


def test_default_weights_and_shared_ranks() -> None:
    # Weights a=3, b=1 (b lower is better, utility = 6 - score):
    #   x: (3*4 + 1*(6-2)) / 4 = 16/4 = 4
    #   y: (3*5 + 1*(6-5)) / 4 = 16/4 = 4   -> ties with x: both rank 1, x first (input order)
    #   z: (3*2 + 1*(6-1)) / 4 = 11/4 = 2.75 -> rank 3 (competition ranking 1, 1, 3)
    got = ranks(weighted_scores([X, Y, Z], [A, B], {}))
    assert got == [("x", Fraction(4), 1), ("y", Fraction(4), 1), ("z", Fraction(11, 4), 3)]


def test_weights_change_the_ranking_and_invert_lower_is_better() -> None:
    # Only b counts (a=0, b=1): utilities x 6-2=4, y 6-5=1, z 6-1=5 -> z, x, y.
    got = ranks(weighted_scores([X, Y, Z], [A, B], {"a": 0, "b": 1}))
    assert got == [("z", Fraction(5), 1), ("x", Fraction(4), 2), ("y", Fraction(1), 3)]
    # a=1, b=5: x (4 + 20)/6 = 4, y (5 + 5)/6 = 5/3, z (2 + 25)/6 = 4.5 -> z, x, y.
    got = ranks(weighted_scores([X, Y, Z], [A, B], {"a": 1, "b": 5}))
    assert got == [("z", Fraction(9, 2), 1), ("x", Fraction(4), 2), ("y", Fraction(5, 3), 3)]


def test_all_weights_zero_ranks_nobody() -> None:
    got = ranks(weighted_scores([X, Y], [A, B], {"a": 0, "b": 0}))
    assert got == [("x", None, None), ("y", None, None)]


def test_unassessed_criteria_are_left_out_of_the_average() -> None:
    # w has no b assessment: (3*3)/3 = 3; x as above = 4.
    w = opt("w", a=3)
    assert ranks(weighted_scores([w, X], [A, B], {})) == [
        ("x", Fraction(4), 1),
        ("w", Fraction(3), 2),
    ]


# The cycle-lane dataset: safety (higher is better, weight 4), cost (lower is better, weight 2).
SAFETY, COST = crit("safety", 4), crit("cost", 2, "lower-is-better")
PAINTED = opt("painted", safety=2, cost=1)
PROTECTED = opt("protected", safety=(5, 4, 5), cost=4)
NOCHANGE = opt("nochange", safety=1, cost=1)


def test_sensitivity_finds_the_smallest_single_weight_change() -> None:
    # Now: protected (4*5 + 2*2)/6 = 4, painted (4*2 + 2*5)/6 = 3, nochange (4 + 10)/6 = 2.33.
    # With safety weight s: protected (5s+4)/(s+2), painted (2s+10)/(s+2): painted leads iff s < 2;
    # s = 2 only ties (14/4 each), which does not take the lead away. So 4 -> 1 (3 steps).
    # With cost weight c: protected (20+2c)/(4+c), painted (8+5c)/(4+c): painted leads iff c > 4,
    # so 2 -> 5 (3 steps). Nochange needs c > 16/3, out of range. Both are 3 steps.
    s = sensitivity([PAINTED, PROTECTED, NOCHANGE], [SAFETY, COST], {})
    assert s.leaders == ("protected",)
    assert s.delta == 3
    assert s.flips == (
        Flip("safety", 4, 1, ("painted",)),
        Flip("cost", 2, 5, ("painted",)),
    )


def test_sensitivity_when_no_single_weight_changes_the_leader() -> None:
    # d beats e on both criteria, so no weighting makes e lead.
    d, e = opt("d", a=5, b=1), opt("e", a=1, b=5)
    s = sensitivity([d, e], [A, B], {})
    assert s.leaders == ("d",) and s.delta is None and s.flips == ()


def test_sensitivity_without_a_ranking() -> None:
    s = sensitivity([X, Y], [A, B], {"a": 0, "b": 0})
    assert s.leaders == () and s.flips == ()


def test_rank_ranges_from_assessment_ranges() -> None:
    # One criterion a (higher is better). p 3 (range 2..5), q 4, r 1 (range 1..2).
    #   p best: p 5 vs q 4, r 1 -> 1.   p worst: p 2 vs q 4, r 2 -> q 1, p and r share 2 -> 2.
    #   q best: q 4 vs p 2, r 1 -> 1.   q worst: q 4 vs p 5, r 2 -> 2.
    #   r best: r 2 vs p 2, q 4 -> 2 (shared). r worst: r 1 vs p 5, q 4 -> 3.
    a = crit("a", 1)
    p, q, r = opt("p", a=(3, 2, 5)), opt("q", a=4), opt("r", a=(1, 1, 2))
    got = [(g.option, g.best, g.worst) for g in rank_ranges([p, q, r], [a], {})]
    assert got == [("p", 1, 2), ("q", 1, 2), ("r", 2, 3)]


def test_rank_ranges_lower_is_better_uses_the_low_end_as_best() -> None:
    # c lower is better. s 3 (range 2..4), t 3.
    #   s best: s at 2 -> utility 4 vs t 3 -> 1.  s worst: s at 4 -> utility 2 vs t 3 -> 2.
    #   t best: s at its bad end 4 (utility 2) -> t 1.  t worst: s at 2 (utility 4) -> t 2.
    c = crit("c", 1, "lower-is-better")
    s, t = opt("s", c=(3, 2, 4)), opt("t", c=3)
    got = [(g.option, g.best, g.worst) for g in rank_ranges([s, t], [c], {})]
    assert got == [("s", 1, 2), ("t", 1, 2)]


def test_cycle_lane_rank_ranges() -> None:
    # protected safety 4..5: at worst (4*4 + 2*2)/6 = 3.33, still above painted's 3 -> always 1.
    got = rank_ranges([PAINTED, PROTECTED, NOCHANGE], [SAFETY, COST], {})
    assert [(g.option, g.best, g.worst) for g in got] == [
        ("painted", 2, 2),
        ("protected", 1, 1),
        ("nochange", 3, 3),
    ]
