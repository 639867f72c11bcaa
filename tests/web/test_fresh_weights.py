"""A reader trying weight after weight: the comparison's fixed part (its table, sources and
veto analysis) is built and rendered once per options and hypotheses, and only the ranking is
recomputed. What the reader sees must be exactly what a full rebuild shows, and a new load
must show at once."""

import datetime as dt
import itertools
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.analysis.compare import comparison_snapshot
from app.analysis.index import build_index
from app.dataset.check import load_dataset
from app.dataset.hypotheses import Hypothesis
from app.state import CompareState
from tests.helpers import CYCLE, links, load, one
from tests.web.test_compare import changed_copy

OPTIONS = ("protected-lanes", "painted-lanes", "no-change")


def _state(
    weights: tuple[tuple[str, int], ...], assume: tuple[Hypothesis, ...] = ()
) -> CompareState:
    ds = load_dataset(CYCLE)
    defaults = {c.slug: c.default_weight for c in ds.criteria}
    w = tuple((k, v) for k, v in weights if defaults[k] != v)
    return CompareState(o=OPTIONS, w=w, assume=assume, defaults=defaults)


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_every_weighting_equals_a_snapshot_built_from_scratch() -> None:
    shared = build_index(load_dataset(CYCLE))
    for safety, cost in itertools.product(range(6), repeat=2):
        for assume in ((), (Hypothesis("mayor", 1),)):
            state = _state((("cost", cost), ("safety", safety)), assume)
            fresh = build_index(load_dataset(CYCLE))  # its own, empty memo
            got = comparison_snapshot(shared, state, revision=3)
            assert got == comparison_snapshot(fresh, state, revision=3)
    # One fixed part per set of hypotheses, however many weightings were asked for.
    assert len(shared.memo) == 2


OPTION_PATH = re.compile(r"/options/([a-z-]+)")


def _table(html: str) -> str:
    return str(one(html, "table.comparison"))


def _ranking(html: str) -> list[str]:
    """The options the ranking box links to, in its order."""
    box = one(html, "section.ranking-box")
    return [m.group(1) for _, href in links(box) if (m := OPTION_PATH.fullmatch(href))]


def test_the_table_stays_and_the_ranking_follows_the_weights(client: TestClient) -> None:
    o = ",".join(OPTIONS)
    cost_first = client.get(f"/compare?o={o}&w=cost:5,safety:0").text
    safety_first = client.get(f"/compare?o={o}&w=cost:0,safety:5").text
    # Lower cost is better: with cost alone, the costly protected lanes rank last; with
    # safety alone, first.
    assert _ranking(cost_first)[-1] == "protected-lanes"
    assert _ranking(safety_first)[0] == "protected-lanes"
    # The table's body is the same; its column controls carry each page's own weights.
    strip = re.compile(r'href="/compare\?[^"]*"')
    assert strip.sub("", _table(cost_first)) == strip.sub("", _table(safety_first))
    assert "w=cost:5,safety:0" in _table(cost_first)


def test_a_new_load_shows_in_the_table_at_once(
    client: TestClient, engine: Engine, tmp_path: Path
) -> None:
    url = f"/compare?o={','.join(OPTIONS)}&w=cost:3"
    before = _table(client.get(url).text)
    assert "4/5" in before and "The mayor doubts the budget." in before
    assert load(engine, changed_copy(tmp_path)) == 2
    after = _table(client.get(f"/compare?o={','.join(OPTIONS)}&w=cost:2").text)
    assert "The mayor now backs it." in after and "The mayor doubts the budget." not in after
    again = _table(client.get(url).text)
    assert "The mayor now backs it." in again


def test_only_the_live_index_keeps_many_comparisons() -> None:
    """Past days and permalink rebuilds get indexes of their own: each keeps two comparisons'
    fixed parts at most, so walking `at=` or links cannot grow a process without bound."""
    ds = load_dataset(CYCLE)
    defaults = {c.slug: c.default_weight for c in ds.criteria}
    pairs = list(itertools.permutations(OPTIONS, 2))
    live, past = build_index(ds), build_index(ds, at=dt.date(2024, 6, 1))
    rebuilt = build_index(ds, today=dt.date(2025, 1, 1))
    for index in (live, past, rebuilt):
        for o in pairs:
            comparison_snapshot(index, CompareState(o=o, defaults=defaults), revision=1)
    assert len(live.memo) == len(pairs)
    assert len(past.memo) == len(rebuilt.memo) == 2
