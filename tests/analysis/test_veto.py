"""Veto analysis: who can block an option, where, and why. Small in-memory datasets only."""

from dataclasses import dataclass, field
from typing import Any

import pytest

from app.analysis.stances import current_stances, route_stances
from app.analysis.walk import analyse_all, analyse_option
from app.dataset.schema import Dataset, Stance

AS_OF = "2026-01-01"
STAKEHOLDERS = ["cn", "de", "fr", "gb", "hu", "it", "pl", "ru", "us", "ua"]
BODIES: list[dict[str, Any]] = [
    {"slug": "nac", "title": "NATO North Atlantic Council", "rule": "unanimity",
     "members": ["fr", "gb", "hu", "pl"]},
    {"slug": "eu-council", "title": "Council of the EU", "rule": "unanimity",
     "members": ["de", "fr", "hu", "it", "pl"]},
    {"slug": "unsc", "title": "UN Security Council", "rule": "veto-members",
     "members": ["cn", "de", "fr", "gb", "ru", "us"], "veto": ["cn", "fr", "gb", "ru", "us"]},
    {"slug": "us-senate", "title": "US Senate", "rule": "two-thirds", "members": []},
    {"slug": "parliament", "title": "The European Parliament", "rule": "majority", "members": []},
    {"slug": "trio", "title": "Trio", "rule": "majority", "members": ["fr", "gb", "hu"]},
    {"slug": "trio-23", "title": "Trio", "rule": "two-thirds", "members": ["fr", "gb", "hu"]},
    {"slug": "willing", "title": "Coalition of the willing", "rule": "coalition",
     "members": ["fr", "gb", "it", "pl"]},
    {"slug": "open", "title": "Open coalition", "rule": "coalition", "members": []},
]  # fmt: skip


def stance(who: str, pos: int | str, date: str | None = "2024-01-01", opt: str = "opt") -> dict:
    s: dict[str, Any] = {"stakeholder": who, "option": opt, "position": pos}
    if date is not None:
        s["date"] = date
    if pos != "unknown":
        s |= {"summary": f"{who} said so", "sources": [{"id": "src", "locator": f"p. {who}"}]}
    return s


def option(slug: str, *bodies: str) -> dict:
    return {
        "slug": slug,
        "title": slug.title(),
        "category": "alliance",
        "status": "proposed",
        "summary": "An option.",
        "steps": [{"body": b, "action": f"approve at {b}", "why": "treaty"} for b in bodies],
    }


def dataset(options: list[dict], stances: list[dict]) -> Dataset:
    return Dataset.model_validate(
        {
            "dossier": {"slug": "d", "title": "D", "question": "Q?", "as_of": AS_OF,
                        "licence": "CC0"},
            "criteria": [{"slug": "feasibility", "title": "Feasibility",
                          "direction": "higher-is-better", "default_weight": 3,
                          "scale": {i: f"L{i}" for i in range(1, 6)}}],
            "stakeholders": [{"slug": s, "name": s.upper(), "kind": "state"}
                             for s in STAKEHOLDERS],
            "bodies": BODIES,
            "sources": [{"id": "src", "title": "Src", "publisher": "P", "date": "2020-01-01",
                         "kind": "primary"}],
            "options": options,
            "stances": stances,
        }
    )  # fmt: skip


def one(steps: list[str], stances: list[dict]) -> Dataset:
    return dataset([option("opt", *steps)], stances)


def support(*who: str, pos: int = 1) -> list[dict]:
    return [stance(w, pos) for w in who]


# --- verdicts per rule -------------------------------------------------------------------------


@dataclass
class Case:
    steps: list[str]
    stances: list[dict]
    status: str
    blockers: tuple[str, ...] = ()
    uncertain: tuple[str, ...] = ()
    reason: str = ""  # expected substring of the (last) step's reason
    step_statuses: tuple[str, ...] | None = None
    assume: dict[str, int | None] = field(default_factory=dict)


CASES = [
    pytest.param(
        Case(["nac"], [*support("fr", "gb", "pl"), stance("hu", -2)], "blocked", ("hu",),
             reason="The NATO North Atlantic Council decides by unanimity, so every member holds "
                    "a veto; HU opposes and can block it."),
        id="unanimity-one-opponent-blocks",
    ),
    pytest.param(
        Case(["nac"], support("fr", "gb", "hu", "pl"), "clear", reason="no member opposes."),
        id="unanimity-all-support-clear",
    ),
    pytest.param(
        Case(["nac"], [*support("fr", "gb", "pl"), stance("hu", 0)], "clear"),
        id="unanimity-neutral-does-not-block",
    ),
    pytest.param(
        Case(["nac"], support("fr", "gb", "hu"), "uncertain", uncertain=("pl",),
             reason="the position of PL is unknown, so a veto cannot be ruled out."),
        id="unanimity-no-stance-uncertain",
    ),
    pytest.param(
        Case(["nac"], [*support("fr", "gb", "hu"), stance("pl", "unknown", None)], "uncertain",
             uncertain=("pl",)),
        id="unanimity-explicit-unknown-uncertain",
    ),
    pytest.param(
        Case(["nac"], [*support("fr", "gb"), stance("hu", -1)], "blocked", ("hu",), ("pl",),
             reason="HU opposes and can block it; the position of PL is also unknown."),
        id="unanimity-blocked-beats-uncertain",
    ),
    pytest.param(
        Case(["nac"], [*support("fr", "pl"), stance("hu", -2), stance("gb", -1)], "blocked",
             ("gb", "hu"), reason="GB and HU oppose, and each can block it."),
        id="unanimity-two-opponents-in-member-order",
    ),
    pytest.param(
        Case(["unsc"], [*support("cn", "fr", "gb", "ru", "us"), stance("de", -2)], "clear",
             reason="The UN Security Council gives a veto to CN, FR, GB, RU and US; "
                    "none of them opposes."),
        id="p5-non-veto-member-opposition-does-not-block",
    ),
    pytest.param(
        Case(["unsc"], [*support("cn", "fr", "gb", "us", "de"), stance("ru", -2)], "blocked",
             ("ru",), reason="RU opposes and can block it."),
        id="p5-opposition-blocks",
    ),
    pytest.param(
        Case(["unsc"], support("fr", "gb", "ru", "us"), "uncertain", uncertain=("cn",)),
        id="p5-unknown-veto-holder-uncertain-non-veto-unknown-ignored",
    ),
    pytest.param(
        Case(["willing"], [stance("fr", 2), stance("gb", 1), stance("it", -1),
                           stance("pl", -2), stance("hu", 2)], "clear",
             reason="No veto: each participant decides for itself. Committed: FR, GB. "
                    "Declined: IT, PL."),
        id="coalition-clear-names-committed-and-declined",
    ),
    pytest.param(
        Case(["willing"], [stance("fr", 0)], "clear",
             reason="No veto: each participant decides for itself. "
                    "Nobody has committed or declined yet."),
        id="coalition-nobody-committed",
    ),
    pytest.param(
        Case(["open"], [stance("ua", 2), stance("hu", -1)], "clear",
             reason="Committed: UA. Declined: HU."),
        id="open-coalition-counts-every-stakeholder",
    ),
    pytest.param(
        Case(["nac"], [*support("fr", "gb", "pl"), stance("hu", -2, "2022-01-01"),
                       stance("hu", 1, "2024-06-01")], "clear"),
        id="history-newer-support-replaces-old-opposition",
    ),
    pytest.param(
        Case(["nac"], [*support("fr", "gb", "pl"), stance("hu", -2, "2024-06-01"),
                       stance("hu", 1, "2022-01-01")], "blocked", ("hu",)),
        id="history-newer-opposition-wins-whatever-the-list-order",
    ),
    pytest.param(
        Case(["nac"], [*support("fr", "gb", "pl"), stance("hu", -2, "2022-01-01"),
                       stance("hu", "unknown", "2024-06-01")], "uncertain", uncertain=("hu",)),
        id="history-newer-unknown-replaces-known",
    ),
    pytest.param(
        Case(["nac"], [*support("fr", "gb", "pl"), stance("hu", 1), stance("hu", -1)],
             "blocked", ("hu",)),
        id="history-same-date-later-entry-wins",
    ),
    pytest.param(
        Case(["us-senate"], support("us"), "uncertain",
             reason="The US Senate decides by a two-thirds majority of its members, who are not "
                    "stakeholders here; stakeholder stances cannot settle that vote."),
        id="two-thirds-without-members-uncertain",
    ),
    pytest.param(
        Case(["parliament"], [], "uncertain",
             reason="The European Parliament decides by a majority of its members, who are not "
                    "stakeholders here; stakeholder stances cannot settle that vote."),
        id="majority-without-members-uncertain",
    ),
    pytest.param(
        Case(["trio"], support("fr", "gb"), "uncertain",
             reason="the position of HU is unknown; stakeholder stances cannot settle that vote."),
        id="majority-with-an-unknown-member-uncertain",
    ),
    pytest.param(
        Case(["trio"], [*support("fr", "gb"), stance("hu", -2)], "clear",
             reason="so 2 of its 3 members must agree; 2 support, 0 neither support nor oppose "
                    "and 1 opposes, so it passes."),
        id="majority-all-known-passes",
    ),
    pytest.param(
        Case(["trio"], [stance("fr", 1), stance("gb", -1), stance("hu", -2)], "blocked",
             reason="1 supports, 0 neither support nor oppose and 2 oppose, so it cannot pass."),
        id="majority-all-known-fails",
    ),
    pytest.param(
        Case(["trio"], [stance("fr", 1), stance("gb", 0), stance("hu", -2)], "uncertain",
             reason="so the outcome turns on those who neither support nor oppose."),
        id="majority-all-known-undecided",
    ),
    pytest.param(
        Case(["trio-23"], [*support("fr", "gb"), stance("hu", -1)], "clear",
             reason="by a two-thirds majority, so 2 of its 3 members must agree"),
        id="two-thirds-all-known-passes",
    ),
    pytest.param(
        Case(["trio-23"], [stance("fr", 1), stance("gb", 0), stance("hu", -1)], "uncertain",
             reason="1 supports, 1 neither supports nor opposes and 1 opposes, so the outcome"),
        id="two-thirds-all-known-open",
    ),
    pytest.param(
        Case(["trio-23"], [stance("fr", 2), stance("gb", -1), stance("hu", -1)], "blocked",
             reason="so it cannot pass."),
        id="two-thirds-all-known-fails",
    ),
    pytest.param(
        Case(["nac", "unsc"], [*support("fr", "gb", "hu", "pl", "cn", "us"), stance("ru", -2)],
             "blocked", ("ru",), step_statuses=("clear", "blocked")),
        id="multi-step-second-body-blocks",
    ),
    pytest.param(
        Case(["nac", "us-senate"], support("fr", "gb", "hu", "pl"), "uncertain",
             step_statuses=("clear", "uncertain")),
        id="multi-step-senate-leaves-it-uncertain",
    ),
    pytest.param(
        Case(["nac", "eu-council"], [*support("fr", "gb", "de", "it"), stance("hu", -2)],
             "blocked", ("hu",), ("pl",), step_statuses=("blocked", "blocked")),
        id="multi-step-blockers-and-uncertain-deduplicated",
    ),
    pytest.param(
        Case([], [stance("hu", -2)], "clear", step_statuses=()),
        id="no-decision-steps-clear",
    ),
    pytest.param(
        Case(["nowhere"], [], "uncertain", reason="names no decision body 'nowhere'"),
        id="dangling-body-uncertain-not-crash",
    ),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES)
def test_verdict(case: Case) -> None:
    ds = one(case.steps, case.stances)
    va = analyse_option(ds, "opt", assume=case.assume)
    assert va.status == case.status
    assert tuple(b.stakeholder for b in va.blockers) == case.blockers
    assert va.uncertain == case.uncertain
    assert va.hypothetical is False
    if case.step_statuses is not None:
        assert tuple(s.status for s in va.steps) == case.step_statuses
    if case.reason:
        assert case.reason in va.steps[-1].reason
    assert [s.ordinal for s in va.steps] == list(range(1, len(case.steps) + 1))


def test_blocker_gives_stated_reason_and_every_body() -> None:
    ds = one(
        ["nac", "unsc", "eu-council"],
        [*support("fr", "gb", "pl", "cn", "ru", "us", "de", "it"), stance("hu", -2, "2023-11-20")],
    )
    va = analyse_option(ds, "opt")
    (blocker,) = va.blockers
    assert blocker.stakeholder == "hu"
    assert blocker.bodies == ("nac", "eu-council")
    assert blocker.stance.position == -2
    assert str(blocker.stance.date) == "2023-11-20"
    assert blocker.stance.summary == "hu said so"
    assert [(c.id, c.locator) for c in blocker.stance.sources] == [("src", "p. hu")]
    assert blocker.stance.hypothetical is False
    assert va.reason == (
        "Blocked: HU can veto it in the NATO North Atlantic Council and the Council of the EU."
    )


def test_no_steps_is_clear_and_says_why() -> None:
    va = analyse_option(one([], []), "opt")
    assert (va.status, va.steps, va.blockers, va.uncertain) == ("clear", (), (), ())
    assert "no decision body" in va.reason


# --- hypotheses --------------------------------------------------------------------------------

NAC_HU_AGAINST = [*support("fr", "gb", "pl"), stance("hu", -2)]


@pytest.mark.parametrize(
    ("assume", "status", "blockers", "uncertain", "hypothetical"),
    [
        pytest.param({"hu": 0}, "clear", (), (), True, id="assume-hu-neutral-unblocks"),
        pytest.param({"hu": 1, "fr": -1}, "blocked", ("fr",), (), True, id="supporter-opposes"),
        pytest.param({"hu": None}, "uncertain", (), ("hu",), True, id="assume-unknown"),
        pytest.param({"hu": -2}, "blocked", ("hu",), (), True, id="assume-same-still-rests-on-it"),
        pytest.param({"ua": -2}, "blocked", ("hu",), (), False, id="non-member-irrelevant"),
        pytest.param({"gb": 2}, "blocked", ("hu",), (), False, id="unchanged-verdict-not-flagged"),
        pytest.param({}, "blocked", ("hu",), (), False, id="no-assumption"),
    ],
)
def test_assumptions(
    assume: dict[str, int | None],
    status: str,
    blockers: tuple[str, ...],
    uncertain: tuple[str, ...],
    hypothetical: bool,
) -> None:
    ds = one(["nac"], NAC_HU_AGAINST)
    before = ds.model_dump()
    assume_before = dict(assume)
    va = analyse_option(ds, "opt", assume=assume)
    assert va.status == status
    assert tuple(b.stakeholder for b in va.blockers) == blockers
    assert va.uncertain == uncertain
    assert va.hypothetical is hypothetical
    assert va.steps[0].hypothetical is hypothetical
    for b in va.blockers:
        assert b.stance.hypothetical is (b.stakeholder in assume)
    assert ds.model_dump() == before  # the input dataset is untouched
    assert assume == assume_before


def test_assumed_blocker_stance_is_marked_hypothetical() -> None:
    va = analyse_option(one(["nac"], support("fr", "gb", "hu", "pl")), "opt", assume={"fr": -1})
    (blocker,) = va.blockers
    assert blocker.stance.hypothetical is True
    assert (blocker.stance.position, blocker.stance.date, blocker.stance.sources) == (-1, None, ())
    assert "Assumed" in blocker.stance.summary


def test_assumption_applies_to_every_option() -> None:
    ds = dataset(
        [option("a", "nac"), option("b", "eu-council"), option("c", "unsc")],
        [
            *[stance(w, 1, opt=o) for o in ("a", "b") for w in ("de", "fr", "gb", "it", "pl")],
            stance("hu", -2, opt="a"),
            stance("hu", -1, opt="b"),
        ],
    )
    before = ds.model_dump()
    plain = analyse_all(ds)
    assumed = analyse_all(ds, assume={"hu": 1})
    assert list(assumed) == ["a", "b", "c"]
    assert [plain[o].status for o in "ab"] == ["blocked", "blocked"]
    assert [assumed[o].status for o in "ab"] == ["clear", "clear"]
    assert [assumed[o].hypothetical for o in "abc"] == [True, True, False]
    assert assumed["c"] == plain["c"]
    assert ds.model_dump() == before


# --- entry points ------------------------------------------------------------------------------


def test_unknown_option_raises_key_error() -> None:
    with pytest.raises(KeyError):
        analyse_option(one(["nac"], []), "no-such-option")


def test_analyse_all_matches_analyse_option() -> None:
    ds = dataset(
        [option("a", "nac"), option("b", "unsc", "us-senate"), option("c")],
        [stance("hu", -2, opt="a"), stance("ru", -2, opt="b")],
    )
    every = analyse_all(ds)
    assert list(every) == ["a", "b", "c"]
    current = route_stances(ds.stances)
    for slug, va in every.items():
        assert va == analyse_option(ds, slug) == analyse_option(ds, slug, current=current)
    assert [every[o].status for o in "abc"] == ["blocked", "blocked", "clear"]


def _st(pos: int | str, date: str | None) -> Stance:
    return Stance.model_validate(stance("hu", pos, date))


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        pytest.param([(-2, "2022-01-01"), (1, "2024-01-01")], 1, id="newer-wins"),
        pytest.param([(1, "2024-01-01"), (-2, "2022-01-01")], 1, id="list-order-irrelevant"),
        pytest.param([(1, "2024-01-01"), (-1, "2024-01-01")], -1, id="tie-later-in-list-wins"),
        pytest.param([(2, "2022-01-01"), ("unknown", "2024-01-01")], "unknown", id="unknown-wins"),
        pytest.param([("unknown", None), (-1, "2020-01-01")], -1, id="undated-counts-as-oldest"),
        pytest.param([("unknown", None)], "unknown", id="only-undated-unknown"),
    ],
)
def test_current_stances(history: list[tuple[int | str, str | None]], expected: int | str) -> None:
    current = current_stances([_st(p, d) for p, d in history])
    assert list(current) == [("hu", "opt")]
    assert current["hu", "opt"].position == expected


def test_long_lists_of_unknown_positions_are_counted_not_listed() -> None:
    members = [f"s{i}" for i in range(8)]
    ds = Dataset.model_validate(
        {
            "dossier": {
                "slug": "d",
                "title": "T",
                "question": "Q?",
                "as_of": "2025-01-01",
                "licence": "CC0",
            },
            "criteria": [
                {
                    "slug": "c",
                    "title": "C",
                    "direction": "higher-is-better",
                    "default_weight": 1,
                    "scale": {i: str(i) for i in range(1, 6)},
                }
            ],
            "stakeholders": [{"slug": s, "name": s.upper(), "kind": "state"} for s in members],
            "bodies": [{"slug": "b", "title": "Big body", "rule": "unanimity", "members": members}],
            "options": [
                {
                    "slug": "o",
                    "title": "O",
                    "category": "x",
                    "status": "proposed",
                    "summary": "S",
                    "steps": [{"body": "b", "action": "agree"}],
                }
            ],
        }
    )
    step = analyse_option(ds, "o").steps[0]
    assert step.uncertain == tuple(members)
    assert "the positions of 8 of them are unknown" in step.reason
    assert "S0" not in step.reason
