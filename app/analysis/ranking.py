"""A comparison's weighted ranking, with its sensitivity to the weights and each option's rank
range: the part of a comparison snapshot (app.analysis.compare) that the weights change.

Pure functions: no FastAPI, no database, no I/O.
"""

from collections.abc import Mapping
from typing import Any

from app.analysis.index import Index
from app.analysis.scores import (
    FORMULA,
    ScoreTable,
    Sensitivity,
    rank_ranges_of,
    ranked_by,
    sensitivity_of,
)


def sensitivity_text(
    sens: Sensitivity, titles: Mapping[str, str], criteria: Mapping[str, str]
) -> str:
    if not sens.leaders:
        return "No option is ranked, so there is no leader to change."
    if not sens.flips:
        return "No single-weight change within 0–5 changes the leader."
    parts = []
    for i, f in enumerate(sens.flips):
        verb = "lowering" if f.new < f.old else "raising"
        verb = verb.capitalize() if i == 0 else verb
        who = " and ".join(titles[s] for s in f.leaders)
        lead = "share the lead" if len(f.leaders) > 1 else "take the lead"
        parts.append(
            f"{verb} the weight of {criteria[f.criterion]} from {f.old} to {f.new} "
            f"would make {who} {lead}"
        )
    step = "step" if sens.delta == 1 else "steps"
    return f"Smallest change ({sens.delta} {step}): " + "; or ".join(parts) + "."


def weighted_ranking(index: Index, table: ScoreTable, weights: Mapping[str, int]) -> dict[str, Any]:
    """The snapshot's ranking under `weights`: the part of a comparison the weights change.
    `table`: the compared options' scores (app.analysis.scores.score_table), built once per
    comparison, so that a weight change reads utilities, not assessments."""
    crit = index.ds.criteria
    titles = {slug: index.options[slug].title for slug in table.order}
    ws = table.weights(weights)
    ranked = ranked_by(table, ws)
    out: dict[str, Any] = {
        "formula": FORMULA,
        "ranked": [
            {
                "slug": r.option,
                "title": titles[r.option],
                "score": None if r.score is None else round(float(r.score), 4),
                "score_text": "—" if r.score is None else f"{float(r.score):.2f}",
                "rank": r.rank,
            }
            for r in ranked
        ],
        "message": None,
        "leaders": [],
        "sensitivity": "",
        "ranges": [],
    }
    if not any(ws):
        out["message"] = "All weights are 0, so there is no ranking. Give a criterion some weight."
        out["ranked"] = []
        return out
    sens = sensitivity_of(table, ws)
    out["leaders"] = [titles[s] for s in sens.leaders]
    out["sensitivity"] = sensitivity_text(sens, titles, {c.slug: c.title for c in crit})
    if table.ranged:
        out["ranges"] = [
            {"slug": r.option, "title": titles[r.option], "best": r.best, "worst": r.worst}
            for r in rank_ranges_of(table, ws)
        ]
    return out
