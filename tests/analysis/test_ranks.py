"""Rank chances against hand-computed cases, a brute-force enumeration and Monte Carlo."""

import itertools
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.analysis.ranks import DRAWS, SEED, ordinal, percent, rank_chances
from app.analysis.scores import weighted_scores
from app.dataset.schema import Criterion, Option
from tests.analysis.test_scores import crit, opt

F = Fraction
A = crit("a", 1)


def table(result) -> dict[str, tuple[Fraction, ...]]:
    return {rc.option: rc.chances for rc in result.options}


def test_two_ranged_options_hand_computed() -> None:
    # x is 1, 2 or 3; y is 2, 3 or 4: nine equally likely pairs. x leads only at (3, 2);
    # it ties at (2, 2) and (3, 3), each tie half a first place: 1/9 + 2 * 1/18 = 2/9.
    x, y = opt("x", a=(2, 1, 3)), opt("y", a=(3, 2, 4))
    result = rank_chances([x, y], [A], {})
    assert result.method == "exact" and result.exact
    assert table(result) == {"x": (F(2, 9), F(7, 9)), "y": (F(7, 9), F(2, 9))}
    assert result.of("y").summary == "First in 78\u00a0% of cases"
    assert result.of("x").summary == "Most often second (78\u00a0% of cases); first in 22\u00a0%"


def test_lower_is_better_inverts_the_range() -> None:
    # Lower is better: x scores 1 or 2 (utility 5 or 4), y scores 2 (utility 4).
    # x leads at 1 and ties at 2: 1/2 + 1/4 = 3/4.
    low = crit("cost", 1, "lower-is-better")
    x, y = opt("x", cost=(1, 1, 2)), opt("y", cost=2)
    assert table(rank_chances([x, y], [low], {})) == {
        "x": (F(3, 4), F(1, 4)),
        "y": (F(1, 4), F(3, 4)),
    }


def test_weights_follow_the_scores_conventions() -> None:
    # a weighs 3, b weighs 1. x: 3*5 + b, b in 1..5 -> 16..20 (over 4).
    # y: 3*a + 3, a in 3..5 -> 12, 15, 18. x leads against 12 and 15 (10 pairs), and against
    # 18 when b is 4 or 5 (2 pairs); it ties at 18 once: (12 + 1/2) / 15 = 5/6.
    a, b = crit("a", 3), crit("b", 1)
    x, y = opt("x", a=5, b=(3, 1, 5)), opt("y", a=(4, 3, 5), b=3)
    assert table(rank_chances([x, y], [a, b], {}))["x"] == (F(5, 6), F(1, 6))
    # Weight 0 for a: only b counts, x's b (1..5) against y's fixed 3: (2 + 1/2) / 5.
    assert table(rank_chances([x, y], [a, b], {"a": 0}))["x"] == (F(1, 2), F(1, 2))


def test_a_weightless_range_changes_nothing() -> None:
    a, b = crit("a", 1), crit("b", 1)
    x, y = opt("x", a=4, b=(3, 1, 5)), opt("y", a=3, b=3)
    result = rank_chances([x, y], [a, b], {"b": 0})
    assert table(result) == {"x": (F(1), F(0)), "y": (F(0), F(1))}
    assert result.of("x").summary == "First in every case"


def test_no_ranges_means_certainty() -> None:
    x, y, z = opt("x", a=2), opt("y", a=5), opt("z", a=3)
    result = rank_chances([x, y, z], [A], {})
    assert table(result) == {
        "x": (F(0), F(0), F(1)),
        "y": (F(1), F(0), F(0)),
        "z": (F(0), F(1), F(0)),
    }
    assert [rc.summary for rc in result.options] == [
        "Third in every case",
        "First in every case",
        "Second in every case",
    ]
    assert (result.of("z").best, result.of("z").worst) == (2, 2)
    assert result.of("z").chance_text(2) == "100\u00a0%"
    assert result.of("z").chance_text(1) == "0\u00a0%"


def test_ties_share_the_ranks_they_occupy() -> None:
    x, y, z = opt("x", a=5), opt("y", a=3), opt("z", a=3)
    assert table(rank_chances([x, y, z], [A], {})) == {
        "x": (F(1), F(0), F(0)),
        "y": (F(0), F(1, 2), F(1, 2)),
        "z": (F(0), F(1, 2), F(1, 2)),
    }
    three = rank_chances([opt("p", a=4), opt("q", a=4), opt("r", a=4)], [A], {})
    assert all(rc.chances == (F(1, 3),) * 3 for rc in three.options)
    assert three.of("p").summary == "First in 33\u00a0% of cases"


def test_most_likely_rank_and_never_first() -> None:
    # x is 1, 2 or 3 against y = 4 and z = 2: below y always; above z at 3, level at 2.
    x, y, z = opt("x", a=(2, 1, 3)), opt("y", a=4), opt("z", a=2)
    rc = rank_chances([x, y, z], [A], {}).of("x")
    assert rc.chances == (F(0), F(1, 2), F(1, 2))
    assert (rc.best, rc.worst, rc.most_likely) == (2, 3, 2)
    assert rc.summary == "Most often second (50\u00a0% of cases); never first"


def test_an_option_without_weighted_scores_is_not_ranked() -> None:
    b = crit("b", 1)
    x, y, blank = opt("x", a=(2, 1, 3)), opt("y", a=2), opt("blank", b=4)
    result = rank_chances([x, blank, y], [A, b], {"b": 0})
    assert result.ranks == 2
    assert [rc.option for rc in result.options] == ["x", "blank", "y"]
    assert result.of("blank").chances == ()
    assert result.of("blank").summary == "Not ranked: no assessed criterion carries weight"
    assert sum(result.of("x").chances) == 1


def _spread(n: int) -> list[Option]:
    rows = [(3, 1, 5, 2), (4, 2, 5, 3), (2, 1, 4, 4), (3, 3, 3, 1), (4, 3, 5, 2)]
    return [
        opt(f"o{i}", a=(s, lo, hi), b=(b, max(1, b - 1), min(5, b + 1)))
        for i, (s, lo, hi, b) in enumerate(rows[:n])
    ]


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_monte_carlo_agrees_with_the_exact_answer() -> None:
    crits = [crit("a", 3), crit("b", 2, "lower-is-better")]
    opts = _spread(5)
    exact = rank_chances(opts, crits, {}, method="exact")
    mc = rank_chances(opts, crits, {}, method="monte-carlo")
    assert exact.method == "exact"
    assert mc.method == f"monte-carlo, {DRAWS} draws, seed {SEED}"
    assert (mc.exact, mc.draws, mc.seed) == (False, DRAWS, SEED)
    # 20,000 draws: a standard error of at most 0.0036, so 0.02 is over five of them.
    for e, m in zip(exact.options, mc.options, strict=True):
        assert max(abs(float(p - q)) for p, q in zip(e.chances, m.chances, strict=True)) < 0.02
        assert sum(m.chances) == 1
    # Seeded: the same inputs draw the same figures; another seed draws others.
    assert rank_chances(opts, crits, {}, method="monte-carlo") == mc
    assert rank_chances(opts, crits, {}, method="monte-carlo", seed=1) != mc


def test_auto_falls_back_to_monte_carlo_beyond_the_limit() -> None:
    opts = _spread(3)
    assert rank_chances(opts, [A], {}).method == "exact"
    small = rank_chances(opts, [A], {}, exact_limit=10, draws=500)
    assert small.method == f"monte-carlo, 500 draws, seed {SEED}"


def test_percent_never_overstates() -> None:
    assert percent(F(0)) == "0\u00a0%"
    assert percent(F(1)) == "100\u00a0%"
    assert percent(F(1, 1000)) == "under 1\u00a0%"
    assert percent(F(999, 1000)) == "over 99\u00a0%"
    assert percent(F(62, 100)) == "62\u00a0%"
    # A Monte Carlo zero for a rank that can happen, a Monte Carlo one that is not certain:
    assert percent(F(0), possible=True) == "under 1\u00a0%"
    assert percent(F(1), certain=False) == "over 99\u00a0%"
    assert [ordinal(r) for r in (1, 2, 8, 9, 11, 12, 21, 22, 23)] == [
        "first", "second", "eighth", "9th", "11th", "12th", "21st", "22nd", "23rd",
    ]  # fmt: skip


def _brute_force(
    opts: list[Option], crits: list[Criterion], weights: dict[str, int]
) -> dict[str, list[Fraction]]:
    """Every combination of scores, ranked by scores.weighted_scores, ties shared."""
    cells = [(o, c) for o in opts for c in o.assessments]
    ranges = []
    for o, c in cells:
        a = o.assessments[c]
        lo = a.low if a.low is not None else a.score
        hi = a.high if a.high is not None else a.score
        ranges.append(range(lo, hi + 1))
    ranked_slugs = [r.option for r in weighted_scores(opts, crits, weights) if r.score is not None]
    n = len(ranked_slugs)
    acc = {s: [F(0)] * n for s in ranked_slugs}
    combos = list(itertools.product(*ranges))
    for combo in combos:
        scores: dict[str, dict[str, int]] = {o.slug: {} for o in opts}
        for (o, c), s in zip(cells, combo, strict=True):
            scores[o.slug][c] = s
        fixed = [
            o.model_copy(
                update={
                    "assessments": {
                        c: a.model_copy(
                            update={"score": scores[o.slug][c], "low": None, "high": None}
                        )
                        for c, a in o.assessments.items()
                    }
                }
            )
            for o in opts
        ]
        ranked = [r for r in weighted_scores(fixed, crits, weights) if r.score is not None]
        for r in ranked:
            level = [q for q in ranked if q.score == r.score]
            start = ranked.index(level[0])
            for pos in range(start, start + len(level)):
                acc[r.option][pos] += F(1, len(level) * len(combos))
    return acc


_score = st.integers(1, 5).flatmap(
    lambda s: st.tuples(st.just(s), st.integers(1, s), st.integers(s, 5))
)


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(_score, _score), min_size=1, max_size=3),
    st.tuples(st.integers(0, 3), st.integers(0, 3)),
    st.booleans(),
)
def test_exact_matches_brute_force_enumeration(rows, ws, b_lower) -> None:
    crits = [
        crit("a", ws[0]),
        crit("b", ws[1], "lower-is-better" if b_lower else "higher-is-better"),
    ]
    opts = [opt(f"o{i}", a=a, b=b) for i, (a, b) in enumerate(rows)]
    result = rank_chances(opts, crits, {})
    expected = _brute_force(opts, crits, {})
    assert {rc.option: list(rc.chances) for rc in result.options if rc.chances} == expected
    for rc in result.options:
        if rc.chances:
            assert sum(rc.chances) == 1
            # Chances are positive exactly between the best and the worst possible rank.
            assert [p > 0 for p in rc.chances] == [
                rc.possible(r) for r in range(1, result.ranks + 1)
            ]
    for r in range(result.ranks):
        assert sum(rc.chances[r] for rc in result.options if rc.chances) == 1
