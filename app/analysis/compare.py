"""The comparison as one typed snapshot (app.analysis.snapshot). Its weighted ranking is built
in app.analysis.ranking; the diff between two snapshots and the CSV rows, in
app.analysis.snapshot_table (both also importable from here).

The snapshot is built from its typed parts: the rows in app.analysis.compare_rows, the rest
here. The compare page, the permalink page and the CSV/JSON exports all render from it, so a
permanent link looks the same forever, whatever the data becomes.

Pure functions: no FastAPI, no database, no I/O.
"""

from dataclasses import dataclass

from app.analysis.compare_rows import (
    Sources,
    criterion_rows,
    hurdle_rows,
    overview_rows,
    stance_rows,
    veto_rows,
)
from app.analysis.index import Index
from app.analysis.labels import POSITION_LABELS
from app.analysis.ranking import weighted_ranking
from app.analysis.scores import FORMULA, MAX_WEIGHT, ScoreTable, score_table
from app.analysis.snapshot import (
    SNAPSHOT_VERSION,
    Ranking,
    Snapshot,
    SnapshotAssumption,
    SnapshotDossier,
    SnapshotGroup,
    SnapshotOption,
    SnapshotWeight,
)
from app.analysis.snapshot_table import CellChange as CellChange
from app.analysis.snapshot_table import diff_snapshots as diff_snapshots
from app.analysis.snapshot_table import snapshot_table as snapshot_table
from app.dataset import urls
from app.dataset.hypotheses import assumed_positions
from app.dataset.vocabulary import position_json
from app.state import CompareState

GROUPS = (
    ("overview", "Overview"),
    ("criteria", "Assessment"),
    ("hurdles", "Legal hurdles"),
    ("veto", "Decision path and veto"),
    ("stances", "Stances"),
)


@dataclass(frozen=True)
class _Fixed:
    """What no weight changes, kept per comparison: the snapshot without weights or ranking,
    and the score table its rankings are worked out from."""

    snapshot: Snapshot
    table: ScoreTable
    # Each criterion's weight as the snapshot lists it, for every weight 0..5: made once.
    weights: tuple[tuple[SnapshotWeight, ...], ...]


def _fixed_key(state: CompareState, revision: int) -> tuple[object, ...]:
    return ("compare", state.o, state.assume, revision)


def fixed_part_built(index: Index, state: CompareState, *, revision: int) -> bool:
    """Whether `comparison_snapshot` has only the weights' part left to compute."""
    return _fixed_key(state, revision) in index.memo


def comparison_snapshot(index: Index, state: CompareState, *, revision: int) -> Snapshot:
    """Everything the comparison shows. Raises KeyError for an unknown option (the parser has
    normally ruled that out).

    Only the weights, the ranking and the query depend on the weights: the rest is built once
    per options, hypotheses and revision, and kept with the index, so that a reader trying
    weight after weight waits only for the ranking."""
    key = _fixed_key(state, revision)
    opts = [index.options[s] for s in state.o]
    kept = index.memo.get_or_build(
        key,
        lambda: _Fixed(
            _fixed_part(index, state, revision),
            score_table(opts, index.ds.criteria),
            _weights(index),
        ),
    )
    assert isinstance(kept, _Fixed)
    weights = state.weights()
    return kept.snapshot.model_copy(
        update={
            "query": state.query(),
            "weights": [
                kept.weights[i][weights.get(c.slug, c.default_weight)]
                for i, c in enumerate(index.ds.criteria)
            ],
            "ranking": Ranking.model_validate(weighted_ranking(index, kept.table, weights)),
        }
    )


def _weights(index: Index) -> tuple[tuple[SnapshotWeight, ...], ...]:
    return tuple(
        tuple(
            SnapshotWeight(
                slug=c.slug,
                title=c.title,
                weight=w,
                default=c.default_weight,
                lower_is_better=c.direction == "lower-is-better",
            )
            for w in range(MAX_WEIGHT + 1)
        )
        for c in index.ds.criteria
    )


def _fixed_part(index: Index, state: CompareState, revision: int) -> Snapshot:
    """The snapshot with no weights and an empty ranking: what no weight changes."""
    opts = [index.options[s] for s in state.o]
    assume = assumed_positions(state.assume)
    src = Sources(index)
    rows = [
        *overview_rows(index, opts),
        *criterion_rows(index, opts, src),
        *hurdle_rows(opts, src),
        *veto_rows(index, opts, state.assume),
        *stance_rows(index, opts, assume, src),
    ]
    ds = index.ds
    return Snapshot(
        version=SNAPSHOT_VERSION,
        dossier=SnapshotDossier(
            slug=ds.dossier.slug,
            title=ds.dossier.title,
            question=ds.dossier.question,
            as_of=ds.dossier.as_of.isoformat(),
            licence=ds.dossier.licence,
        ),
        revision=revision,
        at=index.at.isoformat() if index.at else None,  # the dossier as it stood that day
        query="",
        options=[
            SnapshotOption(
                slug=o.slug,
                title=o.title,
                summary=o.summary,
                category=o.category,
                status=o.status,
                href=urls.option(o.slug),
            )
            for o in opts
        ],
        weights=[],
        assume=[
            SnapshotAssumption(
                stakeholder=who,
                name=index.stakeholders[who].name if who in index.stakeholders else who,
                position=position_json(pos),
                label=POSITION_LABELS[pos],
            )
            for who, pos in assume.items()
        ],
        groups=[SnapshotGroup(key=k, title=t) for k, t in GROUPS],
        rows=rows,
        ranking=Ranking(formula=FORMULA, ranked=[]),
        sources=src.bibliography(),
    )
