"""Routes: any one of an option's routes suffices, all steps of a route must pass; stances may
address one route; an own statement outranks a joint one of the same day; why uncertain."""

from typing import Any

import pytest

from app.analysis.stances import expand_stances, route_stances
from app.analysis.walk import analyse_option
from app.dataset.schema import Dataset
from app.pages.explore import uncertain_why
from app.views.verdict import verdict
from tests.analysis.test_veto import BODIES, dataset, stance

# One route per status, from the bodies and stances below: the coalition never vetoes; the
# Security Council's China, Russia and US are silent; Hungary opposes in the NAC; a condition in
# force bars the last one.
ROUTE = {
    "clear": {"steps": [{"body": "willing", "action": "commit"}]},
    "uncertain": {"steps": [{"body": "unsc", "action": "mandate"}]},
    "blocked": {"steps": [{"body": "nac", "action": "agree"}]},
    "barred": {"steps": [{"body": "willing", "action": "deploy", "barred_by": ["war"]}]},
}
STANCES = [stance("hu", -2), *(stance(w, 1) for w in ("fr", "gb", "pl"))]
WAR = {
    "slug": "war",
    "title": "War",
    "since": "2022-02-24",
    "sources": [{"id": "src", "locator": "p. 1"}],
}


def routed(kinds: list[str], stances: list[dict[str, Any]] = STANCES) -> Dataset:
    routes = [
        {"slug": f"r{i}-{k}", "title": f"route {i} ({k})", **ROUTE[k]} for i, k in enumerate(kinds)
    ]
    opt = {
        "slug": "opt",
        "title": "Opt",
        "category": "alliance",
        "status": "proposed",
        "summary": "An option.",
        "routes": routes,
    }
    return with_(dataset([opt], stances), conditions=[WAR])


def with_(ds: Dataset, **parts: list[dict[str, Any]]) -> Dataset:
    return Dataset.model_validate({**ds.model_dump(mode="json"), **parts})


@pytest.mark.parametrize(
    ("kinds", "status", "best"),
    [
        (["blocked", "clear"], "clear", 1),  # any one route suffices
        (["blocked", "uncertain"], "uncertain", 1),
        (["uncertain", "clear"], "clear", 1),
        (["barred", "clear"], "clear", 1),  # a route barred while another is clear
        (["barred", "blocked"], "blocked", 1),  # politics can change, law while it holds not
        (["barred", "uncertain", "blocked"], "uncertain", 1),
        (["uncertain", "uncertain"], "uncertain", 0),  # a tie: the first in the file
        (["blocked"], "blocked", 0),
    ],
)
def test_an_option_takes_its_best_routes_status(kinds: list[str], status: str, best: int) -> None:
    v = analyse_option(routed(kinds), "opt")
    assert [r.status for r in v.routes or (v,)] == kinds
    assert v.status == status
    assert v.route == f"r{best}-{kinds[best]}"


def test_within_a_route_every_step_must_pass() -> None:
    # The same two bodies as one route (all of) are blocked; as two routes (any of) clear.
    all_of = {"slug": "r", "title": "both", "steps": [*ROUTE["clear"]["steps"],
                                                      *ROUTE["blocked"]["steps"]]}  # fmt: skip
    ds = dataset(
        [{"slug": "opt", "title": "Opt", "category": "c", "status": "proposed",
          "summary": "S.", "routes": [all_of]}],
        STANCES,
    )  # fmt: skip
    assert analyse_option(ds, "opt").status == "blocked"
    assert analyse_option(routed(["clear", "blocked"]), "opt").status == "clear"


def test_plain_steps_are_one_route_and_say_no_route() -> None:
    ds = dataset(
        [{"slug": "opt", "title": "Opt", "category": "c", "status": "proposed",
          "summary": "S.", "steps": ROUTE["blocked"]["steps"]}],
        STANCES,
    )  # fmt: skip
    v = analyse_option(ds, "opt")
    assert v.status == "blocked" and v.routes == ()
    assert verdict(v, {}).text.startswith("Blocked: hu (")


def test_the_verdict_names_every_route_best_first() -> None:
    v = analyse_option(routed(["blocked", "uncertain"]), "opt")
    text = verdict(v, {"hu": "Hungary"}).text
    assert text.startswith("Uncertain by route 1 (uncertain) (")
    assert "; blocked by route 0 (blocked) (Hungary (NATO North Atlantic Council" in text
    assert v.reason.startswith("By route 1 (uncertain): ")


def test_a_stance_counts_only_for_the_route_it_addresses() -> None:
    # Hungary's opposition addresses route 0 alone: route 1 (the same council) does not see it.
    scoped = [{**stance("hu", -2), "route": "r0-blocked"}, *STANCES[1:]]
    v = analyse_option(routed(["blocked", "blocked"], scoped), "opt")
    assert [r.status for r in v.routes] == ["blocked", "uncertain"]
    assert v.status == "uncertain" and v.routes[1].uncertain == ("hu",)


def test_a_later_stance_for_every_route_outranks_an_older_scoped_one() -> None:
    scoped = [
        {**stance("hu", 2, "2023-01-01"), "route": "r0-blocked"},
        stance("hu", -2, "2024-01-01"),
        *STANCES[1:],
    ]
    v = analyse_option(routed(["blocked"], scoped), "opt")
    assert v.status == "blocked"


def test_an_own_statement_outranks_a_joint_one_of_the_same_day() -> None:
    # The joint statement comes last in the file, which alone would make it win.
    joint = {**stance("fr", 1, "2024-07-10"), "stakeholder": None, "stakeholders": ["fr", "hu"],
             "via": "the Summit Declaration"}  # fmt: skip
    stances = [stance("hu", -2, "2024-07-10"), *STANCES[1:], joint]
    ds = routed(["blocked"], stances)
    v = analyse_option(ds, "opt")
    assert v.status == "blocked" and [b.stakeholder for b in v.blockers] == ["hu"]
    assert v.blockers[0].stance.outranks == "the Summit Declaration"
    current = route_stances(expand_stances(ds))
    assert current[("hu", "opt", None)].pos == -2
    assert current[("fr", "opt", None)].via == "the Summit Declaration"


SEATS = {
    "slug": "rada", "title": "Rada", "rule": "majority-members", "seats": 450,
    "blocs": [{"stakeholder": "de", "seats": 226}, {"stakeholder": "it", "seats": 174}],
}  # fmt: skip


@pytest.mark.parametrize(
    ("body", "stances", "kind", "words"),
    [
        ("rada", [], "vote-not-held", "no recorded vote yet"),
        ("rada", [stance("it", 1)], "open-vote", "174 on record in favour"),
        ("unsc", [], "silent", "are unknown"),
        ("parliament", [], "unsettled", "cannot settle"),
    ],
)
def test_uncertain_says_why(
    body: str, stances: list[dict[str, Any]], kind: str, words: str
) -> None:
    ds = dataset(
        [{"slug": "opt", "title": "Opt", "category": "c", "status": "proposed",
          "summary": "S.", "steps": [{"body": body, "action": "vote"}]}],
        stances,
    )  # fmt: skip
    ds = with_(ds, bodies=[*BODIES, SEATS])
    v = analyse_option(ds, "opt")
    assert v.status == "uncertain" and v.uncertain_kind == kind
    assert words in v.steps[0].reason
    assert "0 on record" not in v.reason


def test_the_headline_counts_the_uncertain_by_why() -> None:
    silent = analyse_option(routed(["uncertain"]), "opt")
    assert uncertain_why([silent, silent]) == "2 wait on silent veto holders"
