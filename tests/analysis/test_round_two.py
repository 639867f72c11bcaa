"""Joint statements, partial dates, conditions and time, on the small flood-defence dataset."""

import datetime as dt
from pathlib import Path

import pytest

from app.analysis.index import build_index, veto_for, vetoes
from app.analysis.stances import expand_stances
from app.analysis.timeline import option_timeline
from app.dataset.check import load_dataset, validate_text
from app.dataset.dates import PartialDate
from app.dataset.hypotheses import Hypothesis
from app.store.export import to_yaml

FLOOD = Path(__file__).parent.parent / "data" / "flood-defences.yaml"


@pytest.fixture(scope="module")
def ds():  # type: ignore[no-untyped-def]
    return load_dataset(FLOOD)


@pytest.mark.parametrize(
    ("text", "human", "precision", "first"),
    [
        ("2023", "2023", "year", dt.date(2023, 1, 1)),
        ("2024-01", "January 2024", "month", dt.date(2024, 1, 1)),
        ("2024-01-20", "20 January 2024", "day", dt.date(2024, 1, 20)),
    ],
)
def test_partial_dates_keep_their_precision(
    text: str, human: str, precision: str, first: dt.date
) -> None:
    d = PartialDate.parse(text)
    assert (d.human(), d.precision, d.first_day, str(d)) == (human, precision, first, text)


def test_partial_dates_sort_by_first_day_and_reject_non_dates() -> None:
    dates = [PartialDate.parse(x) for x in ("2024-02-10", "2023", "2024-01", 2022)]
    assert [str(d) for d in sorted(dates)] == ["2022", "2023", "2024-01", "2024-02-10"]
    for bad in ("2024-13", "2024-02-30", "24", "2024/01", "next year"):
        with pytest.raises(ValueError):
            PartialDate.parse(bad)


def test_joint_statement_expands_to_one_stance_per_signatory(ds) -> None:  # type: ignore[no-untyped-def]
    sea = [s for s in expand_stances(ds) if s.option == "sea-wall"]
    assert [s.who for s in sea] == ["greens", "liberals", "conservatives", "independents",
                                    "conservatives"]  # fmt: skip
    joint = sea[0]
    assert (joint.via, joint.signatories, str(joint.date)) == ("the Harbour Compact", 4, "2023")
    index = build_index(ds)
    # A later stance of one signatory wins over the joint one.
    assert index.position("conservatives", "sea-wall") == -1
    assert index.position("greens", "sea-wall") == 1
    assert index.current[("greens", "sea-wall")].via == "the Harbour Compact"


def test_each_status_shows_once(ds) -> None:  # type: ignore[no-untyped-def]
    status = {k: v.status for k, v in vetoes(build_index(ds, today=dt.date(2024, 6, 30))).items()}
    assert status == {
        "sea-wall": "clear",
        "tidal-barrier": "blocked",
        "harbour-levy": "uncertain",
        "river-diversion": "barred",
    }


def test_barred_names_the_condition_and_a_hypothesis_lifts_it(ds) -> None:  # type: ignore[no-untyped-def]
    index = build_index(ds)
    v = veto_for(index, "river-diversion")
    assert v.reason == (
        "Barred while flood emergency lasts: hold a planning inquiry (the Planning inquiry) "
        "cannot happen until it ends."
    )
    assert [b.condition for b in v.bars] == ["flood-emergency"]
    assert v.steps[0].status == "barred" and "in force since 2 March 2023" in v.steps[0].reason
    lifted = veto_for(index, "river-diversion", [Hypothesis("flood-emergency", lifted=True)])
    assert lifted.status == "clear" and not lifted.bars


def test_the_dossier_as_it_stood_on_a_past_day(ds) -> None:  # type: ignore[no-untyped-def]
    before = build_index(ds, at=dt.date(2022, 6, 1))
    assert not before.in_force  # the emergency began in 2023
    assert veto_for(before, "river-diversion").status == "clear"
    assert before.position("conservatives", "sea-wall") is None  # the compact came in 2023
    mid = build_index(ds, at=dt.date(2023, 12, 31))
    assert mid.position("conservatives", "sea-wall") == 1  # before they withdrew in 2024-01
    assert veto_for(mid, "sea-wall").status == "clear"


def test_timeline_recomputes_the_status_on_every_change(ds) -> None:  # type: ignore[no-untyped-def]
    t = option_timeline(ds, "river-diversion", today=dt.date(2024, 6, 30))
    assert [(str(p.date), p.status) for p in t.points] == [
        ("2022-01-01", "clear"),
        ("2023-03-02", "barred"),
    ]
    assert t.points[1].events == ("Flood emergency begins",)
    sea = option_timeline(ds, "tidal-barrier", today=dt.date(2024, 6, 30))
    assert [p.status for p in sea.points] == ["blocked"]
    assert {h.stakeholder for h in sea.holders} == {"greens", "liberals", "conservatives"}


def test_export_writes_the_joint_form_back(ds) -> None:  # type: ignore[no-untyped-def]
    text = to_yaml(ds)
    assert "members_of: council" in text and "stakeholders:\n" in text
    again, problems = validate_text(text)
    assert problems == [] and again == ds
