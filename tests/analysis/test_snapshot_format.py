"""The comparison snapshot is typed and versioned: links stored in format 1 (a plain dict)
still open, upgraded as they are read, showing what they showed then."""

import copy
import datetime as dt
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.analysis.snapshot import (
    SNAPSHOT_VERSION,
    ScoreRow,
    SnapshotFormatError,
    StanceRow,
    VetoRow,
    load_snapshot,
)
from app.store import models as m
from tests.helpers import DATA

V1: dict[str, Any] = json.loads((DATA / "snapshot-v1.json").read_text())


def _contains(big: Any, small: Any, path: str = "") -> None:
    """Every key and value of `small` is in `big` (the upgrade only adds)."""
    if isinstance(small, dict):
        for k, v in small.items():
            assert k in big, f"{path}.{k} lost"
            _contains(big[k], v, f"{path}.{k}")
    elif isinstance(small, list):
        assert len(big) == len(small), path
        for i, (b, s) in enumerate(zip(big, small, strict=True)):
            _contains(b, s, f"{path}[{i}]")
    else:
        assert big == small, f"{path}: {big!r} != {small!r}"


def test_a_format_1_snapshot_upgrades_without_losing_anything() -> None:
    snap = load_snapshot(copy.deepcopy(V1))
    assert snap.version == SNAPSHOT_VERSION == 2
    assert V1["version"] == 1
    _contains(snap.json_data(), {k: v for k, v in V1.items() if k != "version"})
    kinds = {type(r) for r in snap.rows}
    assert {ScoreRow, StanceRow, VetoRow} <= kinds
    assert [o.title for o in snap.options] == [o["title"] for o in V1["options"]]


def test_the_earliest_format_1_snapshots_lack_at_and_symbols() -> None:
    old = copy.deepcopy(V1)
    del old["at"]
    for row in old["rows"]:
        for cell in row["cells"]:
            if row["kind"] in ("veto", "stance"):
                cell.pop("symbol", None)
    snap = load_snapshot(old)
    assert snap.at is None
    veto = next(r for r in snap.rows if isinstance(r, VetoRow))
    assert all(c.symbol in "✓?✕⊘" and c.symbol for c in veto.cells)
    stances = [c for r in snap.rows if isinstance(r, StanceRow) for c in r.cells if c.recorded]
    assert stances and all(c.symbol for c in stances)


def test_a_current_snapshot_round_trips_through_json() -> None:
    snap = load_snapshot(copy.deepcopy(V1))
    assert load_snapshot(json.loads(json.dumps(snap.json_data()))) == snap


def test_an_unknown_format_or_shape_is_refused() -> None:
    with pytest.raises(SnapshotFormatError):
        load_snapshot({**V1, "version": 99})
    with pytest.raises(ValidationError):
        load_snapshot({"version": 1, "made": "before 0003"})
    bad = copy.deepcopy(V1)
    bad["rows"][0]["kind"] = "chart"
    with pytest.raises(ValidationError):
        load_snapshot(bad)


def _store(engine: Engine, code: str, snapshot: dict[str, Any], version: int) -> None:
    with Session(engine) as session:
        session.add(
            m.Permalink(
                code=code,
                state=V1["query"],
                revision=1,
                snapshot=snapshot,
                snapshot_version=version,
                created_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
            )
        )
        session.commit()


def test_a_link_stored_in_format_1_opens_as_it_was(client: TestClient, engine: Engine) -> None:
    old = copy.deepcopy(V1)
    old["options"][0]["title"] = "Painted lanes, as stored in 2026"
    _store(engine, "formatone001", old, 1)
    page = client.get("/c/formatone001")
    assert page.status_code == 200
    assert "Painted lanes, as stored in 2026" in page.text
    assert "Hypothetical:" in page.text  # the stored assumption (shops: strongly supports)
    data = client.get("/c/formatone001.json").json()
    assert data["version"] == 2 and data["options"][0]["title"].endswith("as stored in 2026")
    assert "as stored in 2026" in client.get("/c/formatone001.csv").text
    api = client.get("/api/v1/permalinks/formatone001").json()
    assert api["snapshot"]["query"] == V1["query"]
    assert client.get("/c/formatone001/preview.png").status_code == 200


def test_a_stored_snapshot_this_code_cannot_read_is_rebuilt_not_a_500(
    client: TestClient, engine: Engine
) -> None:
    future = {**copy.deepcopy(V1), "version": 99}
    future["options"][0]["title"] = "From a newer deployment"
    _store(engine, "fromfuture01", future, 99)
    page = client.get("/c/fromfuture01")
    assert page.status_code == 200
    assert "From a newer deployment" not in page.text
    assert "Painted lanes" in page.text
