"""The time axis of the timeline chart: days to x, linear or in two linear pieces when the
record is long, with its year labels and grid."""

import datetime as dt
from dataclasses import dataclass

from app.charts.marks import GRID, INK, MUTED
from app.charts.svg import _el, _text

# A long record squeezes the years before the last RECENT_YEARS into EARLY_SHARE of the axis,
# so the recent years, where stances change most, are not a sliver at the right.
RECENT_YEARS = 3
EARLY_SHARE = 0.25


def _year_step(px_per_year: float) -> int:
    return next((s for s in (1, 2, 5, 10, 20, 25, 50) if px_per_year * s >= 48), 100)


@dataclass(frozen=True)
class TimeAxis:
    """Days to x. Linear, or in two linear pieces when the record is long: the years before
    `recent` squeezed into the first part, up to `split`, and the recent years after it."""

    start: dt.date
    recent: dt.date  # equals `start` when the axis is linear
    today: dt.date
    left: float
    right: float
    split: float

    @property
    def broken(self) -> bool:
        return self.recent > self.start

    def x(self, day: dt.date) -> float:
        day = min(day, self.today)
        if day < self.recent:
            return self.left + (self.split - self.left) * (day - self.start).days / max(
                (self.recent - self.start).days, 1
            )
        return self.split + (self.right - self.split) * (day - self.recent).days / max(
            (self.today - self.recent).days, 1
        )

    def px_per_year(self, year: int) -> float:
        a = dt.date(year, 1, 1)
        b = min(dt.date(year + 1, 1, 1), self.today)
        if a >= self.recent or b <= self.recent:
            return (self.x(b) - self.x(a)) * 365.25 / max((b - a).days, 1)
        return (self.split - self.left) * 365.25 / max((self.recent - self.start).days, 1)

    def labelled_years(self) -> list[int]:
        """Years whose 1 January gets a label, at least 48 units apart, recent years first."""
        years = range(self.start.year, self.today.year + 1)
        wanted = [
            y
            for y in years
            if (y == self.recent.year and self.broken) or y % _year_step(self.px_per_year(y)) == 0
        ]
        kept: list[int] = []
        for y in reversed(wanted):
            if not kept or self.x(dt.date(kept[-1], 1, 1)) - self.x(dt.date(y, 1, 1)) >= 48:
                kept.append(y)
        return sorted(kept)


def time_axis(start: dt.date, today: dt.date, left: float, right: float) -> TimeAxis:
    recent = dt.date(today.year - RECENT_YEARS + 1, 1, 1)
    if (recent - start).days < 3 * 365:
        return TimeAxis(start, start, today, left, right, left)
    return TimeAxis(start, recent, today, left, right, left + EARLY_SHARE * (right - left))


def axis_marks(axis: TimeAxis, top: float, axis_y: float, size: float) -> list[str]:
    """Grid lines and year labels, the axis line, and where the scale changes, a break in the
    axis and a line saying so."""
    out = []
    labelled = set(axis.labelled_years())
    for year in range(axis.start.year, axis.today.year + 1):
        gx = axis.x(dt.date(year, 1, 1))
        if year in labelled:
            out.append(_el("line", x1=gx, y1=top, x2=gx, y2=axis_y, stroke=GRID))
            out.append(
                _text(gx, axis_y + size + 5, str(year), font_size=size, text_anchor="middle")
            )
        elif axis.px_per_year(year) >= 6:
            out.append(_el("line", x1=gx, y1=axis_y - 4, x2=gx, y2=axis_y, stroke=MUTED))
    out.append(_el("line", x1=axis.left, y1=axis_y, x2=axis.right, y2=axis_y, stroke=MUTED))
    if axis.broken:
        # Two slanted strokes across the axis: the scale is not the same on both sides.
        for dx in (-3.0, 3.0):
            bx = axis.split + dx
            out.append(
                _el(
                    "line",
                    x1=bx - 3,
                    y1=axis_y + 6,
                    x2=bx + 3,
                    y2=axis_y - 6,
                    stroke=INK,
                    stroke_width=1.5,
                )
            )
        out.append(
            _text(
                axis.left,
                axis_y + 2 * size + 14,
                f"Years before {axis.recent.year} are drawn compressed.",
                font_size=size,
                fill=MUTED,
            )
        )
    return out
