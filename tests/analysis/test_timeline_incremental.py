"""The timeline walks the dates incrementally (#20, N8): each date applies only that date's
stances, so 1,000 veto holders with a stance each no longer cost a full veto analysis per date
(1,000 x 1,000 holder look-ups, about 5 s). The work is counted, not timed; the results equal
the old from-scratch computation on the bundled datasets."""

import datetime as dt
from pathlib import Path

import pytest

from app.analysis import timeline as timeline_module
from app.analysis import veto
from app.analysis.timeline import TimelinePoint, option_timeline
from app.config import DEFAULT_DATASET
from app.dataset.check import load_dataset, validate_text
from app.dataset.schema import Dataset

DATA = Path(__file__).parent.parent / "data"
HOLDERS = 1000


def from_scratch(ds: Dataset, option: str, today: dt.date) -> list[TimelinePoint]:
    """The old computation: a full veto analysis of every date's stances, date by date."""
    t = option_timeline(ds, option, today)
    out = []
    for p in t.points:
        current = veto.current_stances(veto.expand_stances(ds, p.date))
        v = veto.analyse_option(
            ds, option, current=current, in_force=veto.conditions_in_force(ds, p.date)
        )
        out.append(
            TimelinePoint(
                p.date,
                v.status,
                v.reason,
                tuple(b.stakeholder for b in v.blockers),
                v.uncertain,
                p.events,
            )
        )
    return out


@pytest.mark.parametrize(
    "path", [DEFAULT_DATASET, DATA / "flood-defences.yaml", DATA / "cycle-lanes.yaml"]
)
def test_every_option_timeline_equals_the_from_scratch_computation(path: Path) -> None:
    ds = load_dataset(path)
    today = dt.date(2026, 12, 6)
    compared = 0
    for o in ds.options:
        points = option_timeline(ds, o.slug, today).points
        assert list(points) == from_scratch(ds, o.slug, today), o.slug
        compared += len(points)
    assert compared > 0  # the datasets do change over time


def council(n: int) -> Dataset:
    """One unanimity body of n states; each states its stance on a day of its own (every
    seventh opposes), none known before."""
    lines = [
        "dossier: {slug: big, title: Big, question: Which?, as_of: 2025-01-01, licence: CC0}",
        "criteria:",
        "  - {slug: c0, title: C, direction: higher-is-better, default_weight: 1,",
        "     scale: {1: a, 2: b, 3: c, 4: d, 5: e}}",
        "stakeholders:",
        *(f"  - {{slug: s{i}, name: Member {i}, kind: state}}" for i in range(n)),
        "bodies:",
        "  - {slug: council, title: Council, rule: unanimity, members: ["
        + ", ".join(f"s{i}" for i in range(n))
        + "]}",
        "sources:",
        '  - {id: m, title: M, publisher: C, date: 2020-01-01, url: "https://example.org/m",',
        "     kind: primary}",
        "options:",
        "  - {slug: plan, title: Plan, category: plan, status: proposed, summary: A plan.,",
        "     assessments: {c0: {score: 3, confidence: low, rationale: M., sources: [{id: m}]}},",
        "     steps: [{body: council, action: agree}]}",
        "stances:",
    ]
    start = dt.date(2020, 1, 1)
    for i in range(n):
        day = start + dt.timedelta(days=i)
        pos = -1 if i % 7 == 0 else 1
        lines.append(
            f"  - {{stakeholder: s{i}, option: plan, date: {day}, position: {pos},"
            " summary: Stated., sources: [{id: m}]}"
        )
    ds, problems = validate_text("\n".join(lines) + "\n")
    assert ds is not None, problems[:3]
    return ds


def test_a_date_costs_the_stances_of_that_date_not_the_whole_council(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ds = council(HOLDERS)
    expansions, refs = [], []
    expand, stance_ref = veto.expand_stances, veto.StanceRef

    def counting_expand(*args: object, **kwargs: object) -> object:
        expansions.append(1)
        return expand(*args, **kwargs)  # type: ignore[arg-type]

    class CountingRef(stance_ref):  # type: ignore[valid-type,misc]
        def __init__(self, *args: object, **kwargs: object) -> None:
            refs.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(timeline_module, "expand_stances", counting_expand)
    monkeypatch.setattr(veto, "StanceRef", CountingRef)
    t = option_timeline(ds, "plan", dt.date(2026, 1, 1))
    assert len(t.points) == HOLDERS
    # Before: one expansion of every stance and one stance look-up per holder, per date.
    assert len(expansions) == 1
    assert len(refs) <= HOLDERS
    # And the answer is the same as before, on the dates where it turns.
    first, last = t.points[0], t.points[-1]
    assert first.status == "blocked" and first.blockers == ("s0",)
    assert len(first.uncertain) == HOLDERS - 1
    assert last.blockers == tuple(f"s{i}" for i in range(0, HOLDERS, 7))
    assert last.uncertain == ()
    assert t.veto_holders == tuple(f"s{i}" for i in range(HOLDERS))
