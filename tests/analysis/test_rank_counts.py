"""The fast counting behind rank chances (app.analysis.rank_counts): against a brute-force
enumeration of every combination of scores, against its own general count, and through the
compare page's memo of a comparison's scores from one weight change to the next."""

import itertools
import math
from collections import Counter
from fractions import Fraction
from unittest import mock

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.analysis import rank_counts
from app.analysis.compare import comparison_snapshot
from app.analysis.index import Index, build_index
from app.analysis.ranks import rank_chances, scoring
from app.analysis.scores import weighted_scores
from app.analysis.snapshot import ScoreRow
from app.config import DEFAULT_DATASET
from app.dataset.check import load_dataset
from app.dataset.schema import Criterion, Option
from app.pages.comparison import chances_of
from app.state import CompareState
from tests.analysis.test_scores import crit, opt

Table = dict[str, list[Fraction]]


def _cell(width: int) -> st.SearchStrategy[int | tuple[int, int, int] | None]:
    """An option's score on one criterion: not assessed, fixed, or a range of up to `width`
    either side of it."""
    ranged = st.integers(1, 5).flatmap(
        lambda s: st.tuples(
            st.just(s), st.integers(max(1, s - width), s), st.integers(s, min(5, s + width))
        )
    )
    return st.one_of(st.none(), st.integers(1, 5), ranged)


def _options(rows: list[list[int | tuple[int, int, int] | None]]) -> list[Option]:
    return [
        opt(f"o{i}", **{f"c{j}": s for j, s in enumerate(row) if s is not None})
        for i, row in enumerate(rows)
    ]


def _criteria(specs: list[tuple[int, bool]]) -> list[Criterion]:
    return [
        crit(f"c{j}", w, "lower-is-better" if lower else "higher-is-better")
        for j, (w, lower) in enumerate(specs)
    ]


def _tables(
    *, criteria: int, width: int, options: int
) -> st.SearchStrategy[
    tuple[list[list[int | tuple[int, int, int] | None]], list[tuple[int, bool]]]
]:
    """Up to `options` options' scores on up to `criteria` criteria, and each criterion's
    (default weight, whether lower is better)."""
    return st.integers(1, criteria).flatmap(
        lambda n: st.tuples(
            st.lists(st.lists(_cell(width), min_size=n, max_size=n), min_size=2, max_size=options),
            st.lists(st.tuples(st.integers(0, 5), st.booleans()), min_size=n, max_size=n),
        )
    )


def _own_scores(o: Option, crits: list[Criterion], weights: dict[str, int]) -> Counter[Fraction]:
    """How often the option takes each weighted score over the combinations of its own scores,
    by the ranking's own rule (scores.weighted_scores); empty when it has none."""
    slugs = list(o.assessments)
    ranges = [range(o.assessments[c].range[0], o.assessments[c].range[1] + 1) for c in slugs]
    out: Counter[Fraction] = Counter()
    for combo in itertools.product(*ranges):
        fixed = o.model_copy(
            update={
                "assessments": {
                    c: o.assessments[c].model_copy(update={"score": s, "low": None, "high": None})
                    for c, s in zip(slugs, combo, strict=True)
                }
            }
        )
        score = weighted_scores([fixed], crits, weights)[0].score
        if score is None:
            return Counter()
        out[score] += 1
    return out


def _enumerate(own: dict[str, Counter[Fraction]]) -> Table:
    """Every combination of every option's scores (options vary independently), each option
    sharing equally the ranks it occupies with those level with it."""
    ranked = [slug for slug, scores in own.items() if scores]
    everything = math.prod(sum(own[s].values()) for s in ranked)
    acc = {s: [Fraction(0)] * len(ranked) for s in ranked}
    for combo in itertools.product(*(own[s].items() for s in ranked)):
        weight = Fraction(math.prod(k for _, k in combo), everything)
        values = [v for v, _ in combo]
        for slug, v in zip(ranked, values, strict=True):
            above = sum(1 for x in values if x > v)
            level = values.count(v)
            for r in range(above, above + level):
                acc[slug][r] += weight / level
    return acc


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
@settings(max_examples=120, deadline=None)
@given(
    _tables(criteria=3, width=2, options=6),
    st.dictionaries(st.sampled_from(["c0", "c1", "c2"]), st.integers(0, 4), max_size=2),
)
def test_chances_equal_every_combination_of_scores_counted(table, weights) -> None:
    """Two to six options, ranged, fixed and unassessed scores, ties, weights of 0 (the
    default's or the reader's), options with no weighted score at all."""
    rows, specs = table
    opts, crits = _options(rows), _criteria(specs)
    weights = {c: w for c, w in weights.items() if int(c[1:]) < len(crits)}
    own = {o.slug: _own_scores(o, crits, weights) for o in opts}
    assume(math.prod(len(c) for c in own.values() if c) <= 4000)
    result = rank_chances(opts, crits, weights)
    assert result.exact and result.method == "exact"
    expected = _enumerate(own)
    assert {rc.option: list(rc.chances) for rc in result.options if rc.chances} == expected
    assert result.ranks == len(expected)
    for rc in result.options:
        if rc.option not in expected:
            assert rc.chances == () and rc.summary.startswith("Not ranked")
            continue
        # The best and worst possible ranks are exactly those with a chance above 0.
        possible = [r + 1 for r, p in enumerate(rc.chances) if p > 0]
        assert (rc.best, rc.worst) == (possible[0], possible[-1])


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
@settings(max_examples=150, deadline=None)
@given(_tables(criteria=5, width=4, options=4))
def test_the_count_for_two_to_four_options_equals_the_general_one(table) -> None:
    """Wider ranges than enumeration can take, on denominators that differ (an option without
    some criterion) so that its grid of values spreads; forced onto that grid however thin."""
    rows, specs = table
    scored = scoring(_options(rows), _criteria(specs))
    weights = [w for w, _ in specs]
    dists, _ = rank_counts.distributions(scored.slugs, scored.cells, weights)
    assume(len(dists) >= 2)
    rows_, whole = rank_counts._exact_any(dists)
    with mock.patch.object(rank_counts, "_SPREAD", 10**9):
        fast, over = rank_counts.exact(dists)
    assert [[Fraction(a, over) for a in row] for row in fast] == [
        [Fraction(a, whole) for a in row] for row in rows_
    ]


# The compare page keeps a comparison's scores across weight changes (app.pages.comparison).
OPTIONS = ("article-5-extension", "nato-membership", "reassurance-force")
CRITERIA = ("deterrence", "durability", "escalation-risk", "feasibility", "guarantor-burden")


@pytest.fixture(scope="module")
def index() -> Index:
    return build_index(load_dataset(DEFAULT_DATASET))


def test_each_weighting_of_a_kept_comparison_gets_its_own_chances(index: Index) -> None:
    defaults = {c.slug: c.default_weight for c in index.ds.criteria}
    opts = [index.options[s] for s in OPTIONS]
    seen = set()
    for ws in itertools.islice(itertools.product(range(0, 6, 2), repeat=len(CRITERIA)), 0, 243, 7):
        weights = dict(zip(CRITERIA, ws, strict=True))
        state = CompareState(
            o=OPTIONS,
            w=tuple((c, w) for c, w in weights.items() if w != defaults[c]),
            defaults=defaults,
        )
        got = chances_of(comparison_snapshot(index, state, revision=1))
        # What a fresh count of the dataset's own options gives: never the last weighting's.
        assert got == rank_chances(opts, index.ds.criteria, weights)
        seen.add(tuple(rc.chances for rc in got.options))
    assert len(seen) > 20  # the weightings do change the chances


def test_a_comparison_whose_scores_changed_is_counted_afresh(index: Index) -> None:
    """A snapshot with other score rows (a permanent link made before a score changed, say) is
    not answered from the rows of the comparison it was copied from."""
    defaults = {c.slug: c.default_weight for c in index.ds.criteria}
    snapshot = comparison_snapshot(index, CompareState(o=OPTIONS, defaults=defaults), revision=1)
    before = chances_of(snapshot)
    changed = snapshot.model_copy(deep=True)
    row = next(r for r in changed.rows if isinstance(r, ScoreRow) and r.key == "score:deterrence")
    row.cells[2] = row.cells[2].model_copy(update={"score": 5, "low": 1, "high": 5})
    after = chances_of(changed)
    assert after != before
    opts = [index.options[s] for s in OPTIONS]
    wide = opts[2].assessments["deterrence"].model_copy(update={"score": 5, "low": 1, "high": 5})
    opts[2] = opts[2].model_copy(
        update={"assessments": {**opts[2].assessments, "deterrence": wide}}
    )
    assert after == rank_chances(opts, index.ds.criteria, {})
    assert chances_of(snapshot) == before  # the first snapshot's are still its own


def _convolve(ranged: list[tuple[int, int]]) -> list[int]:
    """The counts of each sum of one of 0, step, ..., step * (k - 1) per (step, k), adding one
    (step, k) at a time."""
    counts = {0: 1}
    for step, k in ranged:
        nxt: Counter[int] = Counter()
        for v, n in counts.items():
            for j in range(k):
                nxt[v + step * j] += n
        counts = nxt
    return [counts.get(v, 0) for v in range(max(counts) + 1)]


@pytest.mark.parametrize(
    "ranged",
    [
        [(1, 2)],  # counts under 2^8: a byte each
        [(3, 5), (1, 4), (2, 3)],
        [(1, 5)] * 4 + [(2, 3)] * 2,  # 5625 combinations: two bytes each
        [(1, 5)] * 7,  # 78125: three bytes, read as four
        [(1, 2)] * 33,  # 2^33: five bytes, read as eight
        [(1, 2)] * 65 + [(2, 3)],  # over 2^64: nine bytes, read one by one
    ],
)
def test_a_distribution_is_every_combination_convolved(ranged: list[tuple[int, int]]) -> None:
    total = math.prod(k for _, k in ranged)
    assert list(rank_counts._coefficients(ranged, total)) == _convolve(ranged)
