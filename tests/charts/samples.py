"""Inputs for the chart tests: every status, shared cells, ranges, awkward text."""

import datetime as dt
from fractions import Fraction

from app.analysis.timeline import HolderSeries, StancePoint, TimelinePoint
from app.charts import bars, ranks, scatter, svg, timeline
from app.charts.grouped import Group, grouped
from app.dataset.dates import PartialDate

NASTY = "<Peace & \"Quiet\"> 'now'"
SCALE = {1: "Blocked", 2: "Unlikely", 3: "Contested", 4: "Likely", 5: "Agreed"}
TODAY = dt.date(2026, 1, 8)


def scatter_points() -> list[svg.ScatterPoint]:
    return [
        svg.ScatterPoint("Full NATO membership", "/options/nato", 1, 5, "blocked"),
        svg.ScatterPoint("Reassurance force", "/options/force", 3, 3, "uncertain"),
        svg.ScatterPoint("US Article 5-like guarantee", "/options/us", 3, 3, "uncertain"),
        svg.ScatterPoint(NASTY, "/options/nasty?a=1&b=2", 3, 3, "clear"),
        svg.ScatterPoint("Bilateral agreements", "/options/bilateral", 5, 2, "clear"),
        svg.ScatterPoint("Neutrality under martial law", "/options/neutral", 2, 2, "barred"),
        svg.ScatterPoint("Unscored idea", "/options/unscored", None, 4, "clear"),
    ]


def timeline_points() -> list[TimelinePoint]:
    return [
        TimelinePoint(dt.date(2022, 3, 1), "clear", "Clear: nobody opposes.", (), (), ("A",)),
        TimelinePoint(
            dt.date(2023, 6, 1), "uncertain", "Hungary's stance is unknown.", (), ("hu",), ("B",)
        ),
        TimelinePoint(dt.date(2023, 11, 20), "blocked", "Blocked: Hungary.", ("hu",), (), ("C",)),
        TimelinePoint(
            dt.date(2024, 7, 1),
            "blocked",
            "Blocked: Hungary and Slovakia.",
            ("hu", "sk"),
            (),
            ("D",),
        ),
        TimelinePoint(
            dt.date(2025, 2, 1), "barred", "Barred while martial law lasts.", (), (), ("E",)
        ),
    ]


def holders() -> list[HolderSeries]:
    def pts(*items: tuple[str, int | None]) -> tuple[StancePoint, ...]:
        return tuple(StancePoint(PartialDate(d), p) for d, p in items)

    return [
        HolderSeries(
            "hu", "Hungary", pts(("2023-06", None), ("2023-11-20", -2), ("2023-11-25", -1))
        ),
        HolderSeries("sk", NASTY, pts(("2024", -1), ("2027-01-01", 2))),  # the last is after today
        HolderSeries("fr", "France", pts(("2022-03-01", 2))),
    ]


def bar_rows() -> list[svg.BarRow]:
    return [
        svg.BarRow("Political feasibility", 2, 1, 3, "Unlikely"),
        svg.BarRow("Legal hurdles", 5, None, None, "Prohibitive", lower_is_better=True),
        svg.BarRow("Durability: survives a change of government in a guarantor", 4, 2, 5, "Robust"),
        svg.BarRow("Speed", None),
    ]


def rank_rows() -> list[svg.RankRow]:
    return [
        svg.RankRow(
            "Reassurance force",
            (Fraction(62, 100), Fraction(38, 100)),
            summary="First in 62 % of cases",
        ),
        svg.RankRow(NASTY, (Fraction(38, 100), Fraction(62, 100)), summary="Most often second"),
        svg.RankRow("Unassessed", ()),
    ]


def all_charts() -> list[svg.Chart]:
    return [
        scatter.scatter(scatter_points(), "Political feasibility", NASTY, SCALE, SCALE),
        timeline.timeline(timeline_points(), holders(), TODAY, option_title=NASTY),
        bars.bars(NASTY, bar_rows()),
        ranks.rank_chances(rank_rows(), method="exact"),
        grouped(
            ["Reassurance force", NASTY],
            [Group(r.criterion, r.lower_is_better, (r, r)) for r in bar_rows()],
        ),
    ]
