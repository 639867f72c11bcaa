"""The timeline walks the dates incrementally (#20, N8): each date applies only that date's
stances, so 1,000 veto holders with a stance each no longer cost a full veto analysis per date
(1,000 x 1,000 holder look-ups, about 5 s). The work is counted, not timed; the results equal
the from-scratch computation (every route, route-scoped stances, own statements outranking
joint ones of the same day, bars) on every bundled dataset."""

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from app.analysis import stances as stances_module
from app.analysis import timeline as timeline_module
from app.analysis import veto, walk
from app.analysis.timeline import Timeline, TimelinePoint, option_timeline
from app.config import DEFAULT_DATASET
from app.dataset.check import load_dataset, validate_text
from app.dataset.schema import Dataset
from tests.analysis.test_routes import WAR, with_
from tests.analysis.test_veto import dataset, stance

DATA = Path(__file__).parent.parent / "data"
HOLDERS = 1000
TODAY = dt.date(2026, 12, 6)


def from_scratch(ds: Dataset, option: str, t: Timeline, today: dt.date) -> Timeline:
    """The walk's dates, each analysed in full: `analyse_option` on the stances made up to that
    day and the conditions in force on it."""

    def on(day: dt.date) -> veto.VetoAnalysis:
        current = stances_module.route_stances(stances_module.expand_stances(ds, day))
        return walk.analyse_option(
            ds, option, current=current, in_force=walk.conditions_in_force(ds, day)
        )

    points = []
    for p in t.points:
        v = on(p.date)
        blockers = tuple(b.stakeholder for b in v.blockers)
        points.append(TimelinePoint(p.date, v.status, v.reason, blockers, v.uncertain, p.events))
    holders = tuple(dict.fromkeys(h for st in on(today).steps for h in st.veto_holders))
    names = {s.slug: s.name for s in ds.stakeholders}
    return Timeline(
        option, tuple(points), t.holders, holders, {h: names.get(h, h) for h in holders}
    )


def tricky() -> Dataset:
    """Three routes over veto, vote and coalition bodies, and dates that test the order rules:
    an own statement listed before a joint one of its day, a stance for one route then one for
    every route, a year-only date beside a precise one, a same-day correction, undated
    entries, a bar that ends."""
    joint = {**stance("fr", 1, "2024-07-10"), "stakeholder": None, "stakeholders": ["fr", "hu"],
             "via": "the Summit Declaration"}  # fmt: skip
    nac_joint = {**stance("fr", 1, "2024-03-01"), "stakeholder": None, "members_of": "nac",
                 "via": "the NAC communiqué"}  # fmt: skip
    stances: list[dict[str, Any]] = [
        stance("cn", "unknown", None),
        stance("gb", 1, "2024-01-01"),
        stance("gb", -1, "2024"),  # the vaguer date: the precise one stands
        nac_joint,
        stance("pl", -1, "2024-05-01"),
        stance("pl", 1, "2024-05-01"),  # a correction: on the same day, the later entry stands
        stance("hu", -2, "2024-07-10"),  # outranks the joint statement below
        joint,
        {**stance("hu", 2, "2024-09-01"), "route": "a"},
        stance("hu", -1, "2024-10-01"),
        {**stance("us", -2, "2024-11-05"), "route": "b"},
        stance("de", 1, "2024-11-05"),
        stance("fr", "unknown", "2025-01-01"),
        stance("ru", 1, "2025-02-01"),
        stance("it", 1, "2025-03-01"),
        stance("us", 1, "2025-04-01"),
        stance("gb", 2, "2025-04-01"),
    ]
    routes = [
        {"slug": "a", "title": "route a", "steps": [
            {"body": "nac", "action": "agree"}, {"body": "willing", "action": "commit"}]},
        {"slug": "b", "title": "route b", "steps": [
            {"body": "unsc", "action": "mandate"}, {"body": "trio", "action": "vote"}]},
        {"slug": "c", "title": "route c", "steps": [
            {"body": "eu-council", "action": "agree", "barred_by": ["war"]},
            {"body": "open", "action": "join"}]},
    ]  # fmt: skip
    opt = {"slug": "opt", "title": "Opt", "category": "c", "status": "proposed",
           "summary": "S.", "routes": routes, "proposed_on": "2023-06"}  # fmt: skip
    plain = {"slug": "plain", "title": "Plain", "category": "c", "status": "proposed",
             "summary": "S.", "steps": [{"body": "unsc", "action": "mandate"}]}  # fmt: skip
    war = {**WAR, "until": "2025-03-15"}
    return with_(dataset([opt, plain], stances), conditions=[war])


DATASETS = [DEFAULT_DATASET, *sorted(DATA.glob("*.yaml"))]


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
@pytest.mark.parametrize("path", DATASETS, ids=[p.stem for p in DATASETS])
def test_every_option_timeline_equals_the_from_scratch_computation(path: Path) -> None:
    ds = load_dataset(path)
    compared = 0
    for o in ds.options:
        t = option_timeline(ds, o.slug, TODAY)
        assert t == from_scratch(ds, o.slug, t, TODAY), o.slug
        compared += len(t.points)
    assert compared > 0  # the datasets do change over time


def test_the_walk_keeps_the_order_rules_of_routes_and_joint_statements() -> None:
    ds = tricky()
    for option in ("opt", "plain"):
        t = option_timeline(ds, option, TODAY)
        assert t == from_scratch(ds, option, t, TODAY), option
    t = option_timeline(ds, "opt", TODAY)
    by_day = {p.date: p for p in t.points}
    assert by_day[dt.date(2024, 5, 1)].status == "clear"
    # Hungary's own opposition outranks the joint support of the same day: route a is blocked.
    assert "route a, blocked" in by_day[dt.date(2024, 7, 10)].reason
    # Route a alone hears Hungary's later support, until it opposes on every route.
    assert by_day[dt.date(2024, 9, 1)].status == "clear"
    assert by_day[dt.date(2024, 9, 1)].reason.startswith("By route a")
    assert by_day[dt.date(2024, 10, 1)].status == "uncertain"
    assert "route a, blocked" in by_day[dt.date(2024, 10, 1)].reason
    # The bar on route c ends; its politics show.
    assert "route c, barred" in by_day[dt.date(2025, 3, 1)].reason
    assert "route c, blocked" in by_day[dt.date(2025, 3, 15)].reason


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


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_a_date_costs_the_stances_of_that_date_not_the_whole_council(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ds = council(HOLDERS)
    expansions, refs = [], []
    expand, stance_ref = stances_module.expand_stances, stances_module.StanceRef

    def counting_expand(*args: Any, **kwargs: Any) -> Any:
        expansions.append(1)
        return expand(*args, **kwargs)

    class CountingRef(stance_ref):  # type: ignore[valid-type,misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            refs.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(timeline_module, "expand_stances", counting_expand)
    monkeypatch.setattr(stances_module, "StanceRef", CountingRef)
    t = option_timeline(ds, "plan", dt.date(2026, 1, 1))
    assert len(t.points) == HOLDERS
    # From scratch: every stance expanded, and every holder looked up, once per date (a
    # million look-ups). Now: one expansion; each holder looked up once, then once per change.
    assert len(expansions) == 1
    assert len(refs) <= 2 * HOLDERS
    # And the answer is the same as before, on the dates where it turns.
    first, last = t.points[0], t.points[-1]
    assert first.status == "blocked" and first.blockers == ("s0",)
    assert len(first.uncertain) == HOLDERS - 1
    assert last.blockers == tuple(f"s{i}" for i in range(0, HOLDERS, 7))
    assert last.uncertain == ()
    assert t.veto_holders == tuple(f"s{i}" for i in range(HOLDERS))
