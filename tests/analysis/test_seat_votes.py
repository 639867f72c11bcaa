"""Vote arithmetic for bodies that vote by seats: one table per rule, with ties, vacancies and
blocs whose stance is unknown. Pure: small in-memory datasets."""

from typing import Any

import pytest

from app.analysis.votes import seat_threshold
from app.analysis.walk import analyse_option
from app.dataset.schema import Body, Dataset

BLOCS = ["a", "b", "c", "d"]


def body(rule: str, seats: int, blocs: dict[str, int], **extra: Any) -> dict[str, Any]:
    return {
        "slug": "house",
        "title": "House",
        "rule": rule,
        "seats": seats,
        "blocs": [{"stakeholder": k, "seats": v, **extra.pop(f"pop_{k}", {})} for k, v in
                  blocs.items()],
        **extra,
    }  # fmt: skip


def analyse(b: dict[str, Any], positions: dict[str, int | str]) -> Any:
    ds = Dataset.model_validate(
        {
            "dossier": {"slug": "d", "title": "D", "question": "Q?", "as_of": "2026-01-01",
                        "licence": "CC0"},
            "criteria": [{"slug": "c", "title": "C", "direction": "higher-is-better",
                          "default_weight": 3, "scale": {i: f"L{i}" for i in range(1, 6)}}],
            "stakeholders": [{"slug": s, "name": s.upper(), "kind": "organisation"}
                             for s in BLOCS],
            "bodies": [b],
            "sources": [{"id": "s", "title": "S", "publisher": "P", "date": 2020,
                         "url": "https://example.org/s", "kind": "primary"}],
            "options": [{"slug": "o", "title": "O", "category": "x", "status": "proposed",
                         "summary": "O.", "steps": [{"body": "house", "action": "vote"}]}],
            "stances": [{"stakeholder": k, "option": "o", "date": "2025-01-01", "position": v,
                         "sources": [{"id": "s"}]} if v != "unknown" else
                        {"stakeholder": k, "option": "o", "position": v}
                        for k, v in positions.items()],
        }
    )  # fmt: skip
    v = analyse_option(ds, "o", in_force={})
    return v.steps[0]


# (rule, seats, blocs, extra, positions, need, outcome)
CASES = [
    # Majority of all 100 seats: 51, vacancies count against.
    ("majority-members", 100, {"a": 51, "b": 49}, {}, {"a": 1, "b": -1}, 51, "passes"),
    ("majority-members", 100, {"a": 50, "b": 50}, {}, {"a": 1, "b": -1}, 51, "blocked"),  # tie
    ("majority-members", 100, {"a": 50, "b": 48}, {}, {"a": 1, "b": 0}, 51, "uncertain"),
    ("majority-members", 100, {"a": 50, "b": 48}, {}, {"a": 1, "b": -1}, 51, "blocked"),  # 2 vacant
    ("majority-members", 100, {"a": 40, "b": 30, "c": 30}, {}, {"a": 1, "b": -1}, 51, "uncertain"),
    # Majority of those present: every seated member counts, vacancies do not.
    ("majority-present", 100, {"a": 50, "b": 48}, {}, {"a": 1, "b": -1}, 50, "passes"),
    ("majority-present", 100, {"a": 49, "b": 49}, {}, {"a": 1, "b": -1}, 50, "blocked"),  # tie
    # Two thirds of those present: 67 of 100, 66 of 99.
    ("two-thirds-present", 100, {"a": 67, "b": 33}, {}, {"a": 1, "b": -1}, 67, "passes"),
    ("two-thirds-present", 100, {"a": 66, "b": 34}, {}, {"a": 1, "b": -1}, 67, "blocked"),
    ("two-thirds-present", 100, {"a": 66, "b": 33}, {}, {"a": 1, "b": -1}, 66, "passes"),
    ("two-thirds-present", 100, {"a": 47, "b": 53}, {}, {"a": 1, "b": "unknown"}, 67, "uncertain"),
    # A fixed number: 300 of 450, whatever the vacancies.
    ("fixed", 450, {"a": 300, "b": 140}, {"threshold": 300}, {"a": 1, "b": -1}, 300, "passes"),
    ("fixed", 450, {"a": 299, "b": 141}, {"threshold": 300}, {"a": 1, "b": 1}, 300, "passes"),
    ("fixed", 450, {"a": 290, "b": 151}, {"threshold": 300}, {"a": 1, "b": -1}, 300, "blocked"),
    ("fixed", 450, {"a": 226, "b": 174}, {"threshold": 300}, {"a": 1}, 300, "uncertain"),
]


@pytest.mark.parametrize(("rule", "seats", "blocs", "extra", "positions", "need", "outcome"),
                         CASES)  # fmt: skip
def test_seat_rules(
    rule: str,
    seats: int,
    blocs: dict[str, int],
    extra: dict[str, Any],
    positions: dict[str, int | str],
    need: int,
    outcome: str,
) -> None:
    step = analyse(body(rule, seats, blocs, **extra), positions)
    assert step.vote is not None
    assert (step.vote.need, step.vote.outcome) == (need, outcome)
    assert (
        step.status == {"passes": "clear", "blocked": "blocked", "uncertain": "uncertain"}[outcome]
    )
    assert f"needs {need} of {seats}" in step.reason
    assert step.vote.vacant == seats - sum(blocs.values())


def test_reason_gives_the_arithmetic_in_words() -> None:
    step = analyse(body("two-thirds-present", 100, {"a": 47, "b": 53}), {"a": 1, "b": "unknown"})
    assert step.reason == (
        "The House needs 67 of 100 votes (two thirds of those present); 47 on record in favour, "
        "53 unknown, so the outcome is open."
    )
    vacant = analyse(body("majority-members", 100, {"a": 50, "b": 48}), {"a": 1, "b": -1})
    assert "48 against, 2 seats vacant, so it cannot pass." in vacant.reason


def qmv(positions: dict[str, int | str]) -> Any:
    # Four members: a 40 %, b 30 %, c 20 %, d 10 % of the population; 55 % of members (3 of 4)
    # holding 65 % of the population must agree.
    b = body(
        "qualified-majority",
        4,
        {"a": 1, "b": 1, "c": 1, "d": 1},
        member_share=0.55,
        population_share=0.65,
    )
    for bloc, pop in zip(b["blocs"], (40, 30, 20, 10), strict=True):
        bloc["population"] = pop
    return analyse(b, positions)


@pytest.mark.parametrize(
    ("positions", "outcome"),
    [
        ({"a": 1, "b": 1, "c": 1, "d": -1}, "passes"),  # 3 members, 90 %
        ({"a": -1, "b": 1, "c": 1, "d": 1}, "blocked"),  # 3 members but only 60 %
        ({"a": 1, "b": 1, "c": -1, "d": -1}, "blocked"),  # 70 %, but only 2 members can agree
        ({"a": 1, "b": 1, "c": "unknown", "d": "unknown"}, "uncertain"),
    ],
)
def test_qualified_majority_needs_members_and_population(
    positions: dict[str, int | str], outcome: str
) -> None:
    step = qmv(positions)
    assert step.vote.need == 3
    assert step.vote.outcome == outcome
    assert "holding 65 % of the population (a qualified majority)" in step.reason


def test_threshold_counts_vacancies_only_where_the_rule_says() -> None:
    def b(rule: str, **extra: Any) -> Body:
        return Body.model_validate(body(rule, 100, {"a": 60, "b": 30}, **extra))

    assert seat_threshold(b("majority-members")) == 51
    assert seat_threshold(b("majority-present")) == 46
    assert seat_threshold(b("two-thirds-present")) == 60
    assert seat_threshold(b("fixed", threshold=75)) == 75


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"rule": "majority-members", "seats": 10}, "needs seats and blocs"),
        ({"rule": "fixed", "seats": 10, "blocs": [{"stakeholder": "a", "seats": 5}]},
         "needs a threshold"),
        ({"rule": "majority-members", "seats": 10, "blocs": [{"stakeholder": "a", "seats": 11}]},
         "more seats than the body has"),
        ({"rule": "unanimity", "seats": 10, "blocs": [{"stakeholder": "a", "seats": 5}]},
         "belong to bodies that vote by seats"),
        ({"rule": "qualified-majority", "seats": 2, "member_share": 0.5, "population_share": 0.5,
          "blocs": [{"stakeholder": "a", "seats": 1}]}, "needs its population"),
    ],
)  # fmt: skip
def test_bad_seat_bodies_are_refused(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Body.model_validate({"slug": "h", "title": "H", **data})
