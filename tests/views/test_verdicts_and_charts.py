"""Pure view builders: one-line verdicts, the home answer, sort keys, the compare view built from
a snapshot alone, and the Pillow renderer of chart SVG."""

import io
from dataclasses import replace

import pytest
from PIL import Image

from app.analysis.compare import comparison_snapshot
from app.analysis.explore import title_key
from app.analysis.index import build_index, vetoes
from app.analysis.stances import StanceRef
from app.analysis.veto import Blocker, StepVeto, VetoAnalysis
from app.charts.raster import svg_to_png
from app.config import DEFAULT_DATASET
from app.dataset.check import load_dataset
from app.dataset.schema import Option
from app.pages.comparison import compare_view
from app.pages.explore import answer
from app.state import CompareState
from app.views.verdict import verdict
from tests.charts.samples import all_charts
from tests.helpers import attr, one

NAMES = {"hu": "Hungary", "sk": "Slovakia", "us": "United States", "mk": "North Macedonia"}


def step(status: str, **kw: object) -> StepVeto:
    base = StepVeto(
        ordinal=1,
        body="nato-nac",
        title="NATO North Atlantic Council",
        rule="unanimity",
        action="invite",
        why="",
        members=(),
        veto_holders=(),
        blockers=(),
        uncertain=(),
        supporters=(),
        opposers=(),
        status=status,  # type: ignore[arg-type]
        reason="",
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def blocker(who: str) -> Blocker:
    ref = StanceRef(who, -2, None, "", (), hypothetical=False)
    return Blocker(who, ("nato-nac",), ref)


def analysis(status: str, steps: tuple[StepVeto, ...], **kw: object) -> VetoAnalysis:
    base = VetoAnalysis("x", status, steps, (), (), hypothetical=False)  # type: ignore[arg-type]
    return replace(base, **kw)  # type: ignore[arg-type]


def test_blocked_names_the_blockers_and_the_body_with_its_rule() -> None:
    a = analysis(
        "blocked",
        (step("blocked", blockers=("hu", "sk")),),
        blockers=(blocker("hu"), blocker("sk")),
    )
    v = verdict(a, NAMES)
    assert v.text == "Blocked: Hungary and Slovakia (NATO North Atlantic Council, unanimity)"
    assert [n.name for n in v.who] == ["Hungary", "Slovakia"]


def test_uncertain_names_up_to_four_unknowns_then_counts() -> None:
    few = analysis("uncertain", (step("uncertain", uncertain=("hu", "sk")),))
    assert verdict(few, NAMES).text == (
        "Uncertain: the stances of Hungary and Slovakia are unknown "
        "(NATO North Atlantic Council, unanimity)"
    )
    many = analysis("uncertain", (step("uncertain", uncertain=tuple("abcdefghij")),))
    assert "the stances of 10 veto holders are unknown" in verdict(many, NAMES).text


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_clear_and_the_real_dataset_verdicts() -> None:
    assert verdict(analysis("clear", ()), NAMES).text == "Clear: no decision body has to agree"
    index = build_index(load_dataset(DEFAULT_DATASET))
    names = {k: s.name for k, s in index.stakeholders.items()}
    lines = {slug: verdict(a, names).text for slug, a in vetoes(index).items()}
    assert lines["nato-membership"] == (
        "Blocked: Poland, Slovakia and United States (NATO North Atlantic Council, unanimity)"
    )
    # Barred by Ukraine's constitution now; and the guarantors Kyiv proposed oppose it since
    # the European leaders' statement of 16 August 2025. Italy is among those guarantors
    # (fact-check E1), so it is named too.
    # Barred names the condition and the law, and where the path stops; the blockers follow
    # apart, as blockers.
    assert lines["neutrality-with-guarantors"] == (
        "Barred while martial law lasts (Constitution of Ukraine, Art. 157) at step 3 of 4 "
        "(Verkhovna Rada amending the Constitution); steps 1–2 can go on meanwhile. "
        "Blockers: France, United Kingdom, Germany, Italy "
        "and Poland (Guarantor states proposed at the Istanbul talks (2022), unanimity)"
    )
    assert lines["eu-membership"].startswith(
        "Barred while martial law lasts (Constitution of Ukraine, Art. 157) at step 4 of 5 "
        "(Verkhovna Rada amending the Constitution); steps 1–3 can go on meanwhile. Blockers: "
    )
    assert answer(index, vetoes(index)).startswith(
        "Of 11 options, only Bilateral security agreements (G7 Vilnius framework) is clear"
    )


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ('"Steel porcupine": own forces', 'steel porcupine": own forces'),
        ("«Quoted»", "quoted»"),
        ("(Bracketed) idea", "bracketed) idea"),
        ("Plain", "plain"),
        ("!!!", "!!!"),
    ],
)
def test_title_sort_ignores_leading_punctuation(title: str, key: str) -> None:
    option = Option.model_construct(slug="x", title=title)
    assert title_key(option) == key


def test_compare_view_warns_when_the_leader_is_blocked_and_shows_rank_chances() -> None:
    index = build_index(load_dataset(DEFAULT_DATASET))
    defaults = {c.slug: c.default_weight for c in index.ds.criteria}
    state = CompareState(
        o=("nato-membership", "bilateral-agreements"),
        # Only deterrence and durability count: NATO membership leads, and it is blocked.
        w=(
            *((c, 0) for c in defaults if c not in ("deterrence", "durability")),
            ("deterrence", 5),
            ("durability", 5),
        ),
        defaults=defaults,
    )
    view = compare_view(comparison_snapshot(index, state, revision=1))
    leader = view.rows[0]
    assert (leader.slug, leader.rank, leader.status) == ("nato-membership", 1, "blocked")
    assert view.warning is not None
    assert "Full NATO membership is blocked by Poland, Slovakia and United States" in view.warning
    assert "Bilateral security agreements (G7 Vilnius framework) (rank 2)" in view.warning
    assert view.chances is not None and view.chances.exact
    # Chances add up to 1 for each option and each rank.
    for rc in view.chances.options:
        assert sum(rc.chances) == 1
    assert all(r.chances for r in view.rows)
    # The chance table lists the options in ranking order, each bar's pieces filling it.
    assert [r.title for r in view.chance_rows] == [r.title for r in view.rows]
    for row in view.chance_rows:
        assert abs(sum(float(s.width) for s in row.shares) - 100) < 0.5
    # Each option's route: NATO membership has one, of 3 decision steps.
    assert (leader.route, leader.routes, len(leader.path)) == ("", 1, 3)


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_no_warning_when_the_leader_can_happen() -> None:
    index = build_index(load_dataset(DEFAULT_DATASET))
    defaults = {c.slug: c.default_weight for c in index.ds.criteria}
    state = CompareState(o=("nato-membership", "bilateral-agreements"), defaults=defaults)
    view = compare_view(comparison_snapshot(index, state, revision=1))
    assert view.rows[0].status == "clear" and view.warning is None


def test_every_chart_rasterises_to_a_png_of_its_viewbox_at_twice_the_size() -> None:
    for chart in all_charts():
        png = svg_to_png(chart.svg)
        img = Image.open(io.BytesIO(png))
        box = attr(one(chart.svg, "svg"), "viewbox")  # the parser lower-cases attribute names
        w, h = (float(v) for v in box.split()[2:])
        assert img.format == "PNG" and img.size == (round(2 * w), round(2 * h))
        # Not blank: the chart drew something besides the white paper.
        low, high = img.convert("L").getextrema()
        assert low < 100 and high == 255
