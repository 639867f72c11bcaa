"""The comparison snapshot's type: what /compare shows, /compare.json and .csv export, and a
permanent link keeps when its comparison cannot be rebuilt from its revision.

One pydantic model, used by the builder (app.analysis.compare), the views, the API schema and
the permalink store, so none of them describes it a second time. `version` is the format;
`load_snapshot` upgrades a stored older one.

Pure: no FastAPI, no database."""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.analysis.labels import POSITION_SYMBOLS
from app.dataset.vocabulary import JsonPosition, VetoStatus

# 1: a plain dict (before November 2026; the earliest lack `at`).
# 2: this typed model; rows are told apart by `kind`.
SNAPSHOT_VERSION: Literal[2] = 2


class Part(BaseModel):
    # extra="forbid": a key the builder adds must be declared here, or building fails loudly
    # in the tests, rather than the API and the pages quietly disagreeing.
    model_config = ConfigDict(frozen=True, extra="forbid")


class SnapshotDossier(Part):
    slug: str
    title: str
    question: str
    as_of: str
    licence: str


class SnapshotOption(Part):
    slug: str
    title: str
    summary: str
    category: str
    status: str
    href: str


class SnapshotWeight(Part):
    slug: str
    title: str
    weight: int
    default: int
    lower_is_better: bool


class SnapshotAssumption(Part):
    stakeholder: str
    name: str
    position: JsonPosition
    label: str


class SnapshotGroup(Part):
    key: str
    title: str


class CiteRef(Part):
    id: str
    label: str  # "Reuters, 2025, p. 3"
    href: str


class TextCell(Part):
    value: str


class ScoreCell(Part):
    value: str
    score: int | None = None  # None: not assessed
    label: str = ""
    low: int | None = None
    high: int | None = None
    ranged: bool = False
    confidence: str | None = None
    rationale: str = ""
    sources: list[CiteRef] = []


class HurdleItem(Part):
    instrument: str
    requires: str
    severity: int
    sources: list[CiteRef]


class HurdleCell(Part):
    value: str
    hurdles: list[HurdleItem] = []


class VetoCell(Part):
    value: str
    status: VetoStatus
    label: str
    symbol: str = ""
    blockers: list[str] = []  # names
    uncertain: list[str] = []  # names of veto holders with no known stance
    reason: str = ""
    hypothetical: bool = False
    # Snapshots from before routes lack these: one route, reason unstated.
    route: str = ""  # the best route's title, when the option has several
    why: str = ""  # why uncertain, in words
    # What bars it, when barred: "while martial law lasts (Constitution of Ukraine, Art. 157)".
    # Blockers stay in `blockers`, never here. Older snapshots have none.
    barred: str = ""


class PathStep(Part):
    title: str
    rule: str
    status: str
    action: str | None = None


class PathRoute(Part):
    title: str
    status: str
    steps: list[PathStep] = []


class PathCell(Part):
    value: str
    steps: list[PathStep] = []  # the best route's
    routes: list[PathRoute] = []  # every route; empty in snapshots from before routes


class StanceCell(Part):
    value: str
    recorded: bool
    position: JsonPosition | None = None  # None: no stance recorded
    symbol: str = ""
    label: str = ""
    date: str | None = None
    summary: str = ""
    sources: list[CiteRef] = []
    hypothetical: bool = False


class _Row(Part):
    key: str
    group: str
    label: str
    same: bool  # every option has the same value ("show only differences" hides it)


class TextRow(_Row):
    kind: Literal["text"]
    cells: list[TextCell]


class ScoreRow(_Row):
    kind: Literal["score"]
    cells: list[ScoreCell]
    lower_is_better: bool = False


class HurdleRow(_Row):
    kind: Literal["hurdles"]
    cells: list[HurdleCell]


class VetoRow(_Row):
    kind: Literal["veto"]
    cells: list[VetoCell]


class PathRow(_Row):
    kind: Literal["path"]
    cells: list[PathCell]


class StanceRow(_Row):
    kind: Literal["stance"]
    cells: list[StanceCell]


Row = Annotated[
    TextRow | ScoreRow | HurdleRow | VetoRow | PathRow | StanceRow, Field(discriminator="kind")
]


class Ranked(Part):
    slug: str
    title: str
    score: float | None
    score_text: str
    rank: int | None


class RankRange(Part):
    slug: str
    title: str
    best: int
    worst: int


class Ranking(Part):
    formula: str
    ranked: list[Ranked]
    message: str | None = None  # why nothing is ranked
    leaders: list[str] = []
    sensitivity: str = ""
    ranges: list[RankRange] = []


class SnapshotSource(Part):
    id: str
    title: str
    publisher: str
    date: str
    url: str | None
    kind: str


class Snapshot(Part):
    """Everything a comparison shows, as it stood: a permanent link looks the same forever."""

    version: Literal[2] = SNAPSHOT_VERSION
    dossier: SnapshotDossier
    revision: int
    at: str | None = None  # the day the dossier was shown as it stood (`at=`), if any
    query: str  # the canonical compare state
    options: list[SnapshotOption]
    weights: list[SnapshotWeight]
    assume: list[SnapshotAssumption]
    groups: list[SnapshotGroup]
    rows: list[Row]
    ranking: Ranking
    sources: list[SnapshotSource]

    def json_data(self) -> dict[str, Any]:
        """As /compare.json sends it and a permalink row stores it."""
        return self.model_dump(mode="json")


EXPORT_ONLY = ("permalink", "rank_chances")


class SnapshotFormatError(ValueError):
    """A stored snapshot of a format this code does not know."""


def _upgrade_v1(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 was the same data as a dict; the earliest lack `at`, and symbols may be
    missing from veto and stance cells. Fill what the typed model needs."""
    rows = []
    for row in data.get("rows", []):
        cells = []
        for cell in row.get("cells", []):
            cell = dict(cell)
            if row.get("kind") == "veto" and "symbol" not in cell:
                cell["symbol"] = VetoStatus(cell["status"]).symbol
            if row.get("kind") == "stance" and cell.get("recorded") and "symbol" not in cell:
                pos = cell.get("position")
                cell["symbol"] = POSITION_SYMBOLS[None if pos == "unknown" else pos]
            if row.get("kind") == "stance":
                for key in ("summary", "label", "symbol"):
                    if cell.get(key) is None:
                        cell.pop(key, None)  # v1 wrote null where v2 has ""
            cells.append(cell)
        rows.append({**row, "cells": cells})
    return {**data, "rows": rows, "version": 2, "at": data.get("at")}


def load_snapshot(data: dict[str, Any]) -> Snapshot:
    """A stored snapshot, upgraded to the current format. Raises SnapshotFormatError for a
    version this code does not know (a newer deployment's), pydantic's ValidationError for
    data that is not a snapshot."""
    # What the exports add around a snapshot (app.pages.compare.export, the permalink's
    # address) is not part of it: a comparison saved from /c/{code}.json loads as one.
    data = {k: v for k, v in data.items() if k not in EXPORT_ONLY}
    version = data.get("version", 1)
    if version == 1:
        data = _upgrade_v1(data)
    elif version != SNAPSHOT_VERSION:
        raise SnapshotFormatError(f"snapshot format {version!r} is not known here")
    return Snapshot.model_validate(data)
