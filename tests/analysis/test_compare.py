"""The comparison snapshot and its diff: pure functions over the cycle-lane dataset."""

import json

from app.analysis.compare import comparison_snapshot, diff_snapshots, snapshot_table
from app.analysis.index import build_index
from app.analysis.snapshot import Snapshot, load_snapshot
from app.dataset.check import load_dataset
from app.dataset.hypotheses import Hypothesis
from app.state import CompareState
from tests.helpers import CYCLE

INDEX = build_index(load_dataset(CYCLE))
DEFAULTS = {c.slug: c.default_weight for c in INDEX.ds.criteria}


def snap(*o: str, w: tuple = (), assume: tuple = ()) -> Snapshot:
    state = CompareState(o=o, w=w, assume=assume, defaults=DEFAULTS)
    return comparison_snapshot(INDEX, state, revision=7)


def test_snapshot_is_plain_json_and_stable() -> None:
    s = snap("protected-lanes", "painted-lanes")
    assert load_snapshot(json.loads(json.dumps(s.json_data()))) == s
    assert s == snap("protected-lanes", "painted-lanes")
    assert s.revision == 7 and s.query == "o=protected-lanes,painted-lanes"
    keys = [r.key for r in s.rows]
    assert keys[:2] == ["category", "status"]
    assert "score:safety" in keys and "veto" in keys and "stance:mayor" in keys
    # Stakeholders without any stance on the shown options get no row.
    assert "stance:council" in keys
    assert [r.key for r in snap("painted-lanes", "no-change").rows if r.group == "stances"] == [
        "stance:council"
    ]


def test_same_marks_rows_where_every_cell_agrees() -> None:
    rows = {r.key: r for r in snap("protected-lanes", "painted-lanes").rows}
    assert rows["attr:length_km"].same is True
    assert rows["score:safety"].same is False


def test_diff_lists_changed_cells_old_to_new() -> None:
    old = snap("protected-lanes", "painted-lanes")
    new = old.json_data()
    cost = next(r for r in new["rows"] if r["key"] == "score:cost")
    cost["cells"][0]["value"] = "5/5 Very high"
    new["rows"] = [r for r in new["rows"] if r["key"] != "stance:mayor"]
    new["rows"].append(
        {
            "key": "stance:x",
            "group": "stances",
            "label": "X",
            "kind": "stance",
            "same": True,
            "cells": [{"value": "+", "recorded": True}] * 2,
        }
    )
    changes = [(c.option, c.row, c.old, c.new) for c in diff_snapshots(old, load_snapshot(new))]
    assert changes == [
        ("Protected lanes", "Cost", "4/5 High", "5/5 Very high"),
        ("Protected lanes", "The mayor", "− Opposes (2024-05-20)", "—"),
        ("Protected lanes", "X", "—", "+"),
        ("Painted lanes", "The mayor", "no stance recorded", "—"),
        ("Painted lanes", "X", "—", "+"),
    ]
    assert diff_snapshots(old, old) == []


def test_table_is_long_with_a_row_per_option_and_ends_with_licence_and_sources() -> None:
    """Issue 19.6: one row per fact (it was one column per option, cells of text)."""
    rows = snapshot_table(
        snap("protected-lanes", "painted-lanes", assume=(Hypothesis("mayor", 1),))
    )
    header = rows[0]
    assert all(len(r) == len(header) for r in rows)
    col = {name: i for i, name in enumerate(header)}
    mayor = next(r for r in rows if r[col["section"]] == "hypothetical")
    assert (mayor[col["row"]], mayor[col["position"]]) == ("The mayor", 1)
    assert mayor[col["value"]] == "assumed: Supports"
    cost = [r for r in rows if r[col["key"]] == "score:cost"]
    assert [(r[col["option"]], r[col["score"]]) for r in cost] == [
        ("protected-lanes", 4),
        ("painted-lanes", 1),
    ]
    sections = [r[0] for r in rows]
    assert sections[-3:] == ["licence", "sources", "sources"]
