"""An option's timeline: its veto status and each veto holder's stance over time. Drawn with
the shared parts in app/charts/svg.py."""

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence

from app.analysis.timeline import HolderSeries, StancePoint, TimelinePoint
from app.charts.marks import (
    INK,
    MUTED,
    PAPER,
    POSITION_COLOURS,
    position_symbol,
    position_word,
    status_colour,
    status_word,
)
from app.charts.metrics import fit, text_width
from app.charts.svg import (
    Chart,
    DataTable,
    _chart_id,
    _el,
    _legend,
    _mark,
    _status_legend,
    _svg,
    _text,
)
from app.charts.time_axis import TimeAxis, axis_marks, time_axis
from app.dataset.dates import human


def _position_marker(position: int | None, cx: float, cy: float, r: float = 12) -> str:
    colour = POSITION_COLOURS[position]
    symbol = position_symbol(position)
    circle = _el(
        "circle",
        cx=cx,
        cy=cy,
        r=r,
        fill=PAPER,
        stroke=colour,
        stroke_width=2.5,
        stroke_dasharray="3 2" if position is None else None,
    )
    # The symbol stays legible (12.5 units or more: 11 px or more on a phone); two signs are
    # drawn closer together so that they stay inside the circle.
    pair = len(symbol) > 1
    size = 12.5 if pair else 13.0
    return circle + _text(
        cx,
        cy + size * 0.36,
        symbol,
        font_size=size,
        font_weight=700,
        text_anchor="middle",
        letter_spacing=-1.5 if pair else None,
    )


# Rows a timeline draws: the default dataset's longest path has 33 stakeholders. Beyond this
# the chart would grow with the data (4,000 members of one body drew 256,592 px).
MAX_TIMELINE_ROWS = 40

_Series = tuple[HolderSeries, list[StancePoint]]


def _stance_rank(pts: Sequence[StancePoint]) -> int:
    """0 for a blocker (its latest stance opposes), 1 for unknown or silent, 2 otherwise."""
    pos = pts[-1].position if pts else None
    return 1 if pos is None else 0 if pos < 0 else 2


def _decisive_rows(
    series: Sequence[_Series], limit: int, veto: Sequence[str] = ()
) -> tuple[list[_Series], int]:
    """The rows in reading order: blockers first, then unknowns, then the rest; veto holders
    before other members; path order within each. At most `limit` rows, the last of them
    kept for "and N more"."""
    holders = set(veto)
    order = sorted(
        series, key=lambda s: (_stance_rank(s[1]), 0 if s[0].stakeholder in holders else 1)
    )
    if len(order) <= limit:
        return order, 0
    return order[: limit - 1], len(order) - (limit - 1)


def _stance_line(position: int | None, x0: float, x1: float, cy: float) -> str:
    """A stance held from x0 to x1: its colour, dashed while unknown."""
    dash = "3 3" if position is None else None
    return _el(
        "line",
        x1=x0,
        y1=cy,
        x2=x1,
        y2=cy,
        stroke=POSITION_COLOURS[position],
        stroke_width=3,
        stroke_dasharray=dash,
    )


def _stance_marks(
    pts: Sequence[StancePoint], axis: TimeAxis, cy: float, r: float
) -> tuple[list[str], list[str]]:
    """A row's lines (each stance held until the next, or today) and its markers. Markers sit
    at their dates, never past today; where one would cover the next, a dot stands for it (the
    table lists every stance)."""
    lines, marks = [], []
    low, high = axis.left + r, axis.x(axis.today) - r
    nxt = math.inf
    for j in range(len(pts) - 1, -1, -1):
        sp = pts[j]
        x0 = axis.x(sp.date.first_day)
        x1 = axis.x(pts[j + 1].date.first_day) if j + 1 < len(pts) else axis.x(axis.today)
        colour = POSITION_COLOURS[sp.position]
        lines.append(_stance_line(sp.position, x0, x1, cy))
        cx = min(max(x0, low), high)
        if cx <= nxt - 2 * r - 1:
            marks.append(_position_marker(sp.position, cx, cy, r))
            nxt = cx
        else:
            marks.append(_el("circle", cx=x0, cy=cy, r=3.5, fill=colour))
    return lines, marks


def _band(
    kept: Sequence[TimelinePoint],
    today: dt.date,
    x: Callable[[dt.date], float],
    band_top: float,
    band_h: float,
    size: float,
) -> list[str]:
    """The veto status as a band: one interval per run of the same status, with its mark and,
    where it fits, its word."""
    band = []
    runs = [i for i, p in enumerate(kept) if i == 0 or kept[i - 1].status != p.status]
    for k, i in enumerate(runs):
        status = kept[i].status
        until = kept[runs[k + 1]].date if k + 1 < len(runs) else today
        x0, x1 = x(kept[i].date), max(x(until), x(kept[i].date) + 2)
        colour = status_colour(status)
        band.append(
            _el(
                "rect",
                x=x0,
                y=band_top,
                width=x1 - x0,
                height=band_h,
                fill=colour,
                fill_opacity=0.14,
                stroke=colour,
            )
        )
        if x1 - x0 >= 20:
            band.append(_mark(status, x0 + 11, band_top + band_h / 2, 6))
        word = status_word(status)
        if x1 - x0 >= 30 + text_width(word, size):
            band.append(
                _text(x0 + 22, band_top + band_h / 2 + 4, word, font_size=size, fill=colour)
            )
    return band


def _description(
    option_title: str,
    kept: Sequence[TimelinePoint],
    series: Sequence[_Series],
    silent: Sequence[str],
    start: dt.date,
    today: dt.date,
    axis: TimeAxis,
) -> str:
    if kept:
        now = kept[-1]
        desc = (
            f"Veto status of {option_title} from {human(start)} to {human(today)}: "
            f"{status_word(now.status).lower()} since {human(now.date)}"
            f"{f', after {len(kept) - 1} earlier changes' if len(kept) > 1 else ''}."
        )
    else:
        desc = f"No dated record of the veto status of {option_title} before {human(today)}."
    if series:
        desc += (
            f" Stances of {len(series)} stakeholders on its decision path over time,"
            " blockers first."
        )
    if silent:
        desc += f" {len(silent):,} veto holders with no recorded stance are drawn as unknown."
    if axis.broken:
        desc += f" Years before {axis.recent.year} are drawn compressed."
    return desc


def _tables(
    option_title: str,
    intervals: Sequence[tuple[TimelinePoint, dt.date | None]],
    series: Sequence[_Series],
    silent: Sequence[str],
    names: Mapping[str, str],
    day_href: Callable[[dt.date], str] | None,
) -> tuple[DataTable, DataTable]:
    """The chart's data as two tables: every dated change of status, and every stance."""
    status_table = DataTable(
        caption=f"Veto status over time: {option_title}",
        columns=("From", "Until", "Status", "Why", "What changed"),
        rows=tuple(
            (
                human(p.date),
                human(until) if until else "today",
                status_word(p.status),
                p.reason,
                "; ".join(p.events),
            )
            for p, until in intervals
        ),
        links=tuple(day_href(p.date) for p, _ in intervals) if day_href else (),
    )
    stance_table = DataTable(
        caption=f"Stances over time: {option_title}",
        columns=("Stakeholder", "Date", "Position"),
        rows=tuple(
            (h.name, sp.date.human(), position_word(sp.position)) for h, pts in series for sp in pts
        )
        + tuple((names.get(v, v), "no dated stance", position_word(None)) for v in silent),
    )
    return status_table, stance_table


def _today(today: dt.date, x: float, top: float, axis_y: float, size: float) -> list[str]:
    """A dashed line at today, from above the band down to the axis, and its label."""
    return [
        _el("line", x1=x, y1=top - 14, x2=x, y2=axis_y, stroke=INK, stroke_dasharray="4 3"),
        _text(x, top - 18, f"Today, {human(today)}", font_size=size, text_anchor="end"),
    ]


def timeline(
    points: Sequence[TimelinePoint],
    holders: Sequence[HolderSeries],
    today: dt.date,
    *,
    option_title: str,
    width: float = 900,
    chart_id: str | None = None,
    day_href: Callable[[dt.date], str] | None = None,
    veto_holders: Sequence[str] = (),
    names: Mapping[str, str] | None = None,
) -> Chart:
    """An option's veto status as a band of dated intervals, and below it one row per
    stakeholder with a marker for each stance (its symbol, e.g. ++ or ?) held until the next.
    Takes `app.analysis.timeline.Timeline`'s points, holders and veto holders; nothing after
    `today`. Every veto holder gets a row: one with no dated stance is drawn as unknown.
    `day_href`: where each dated change of the table links to (the page as of that day).

    Rows read blockers first, then unknowns. The band joins neighbouring intervals of the same
    status; its table keeps every dated change with its reason. Below `width` 600 (a phone)
    names stand above their rows, so the time axis has the whole width."""
    # long: one drawing, top to bottom (layout, axis, band, a row per holder, legends), whose
    # parts share the layout's numbers; the band, description and tables are drawn apart.
    names = names or {}
    cid = chart_id or _chart_id(
        "timeline", (points, holders, today, option_title, width, tuple(veto_holders))
    )
    title = f"Veto status and stances over time: {option_title}"
    kept = [p for p in points if p.date <= today]
    series = [(h, [sp for sp in h.points if sp.date.first_day <= today]) for h in holders]
    series = [(h, pts) for h, pts in series if pts]
    dated = {h.stakeholder for h, _ in series}
    silent = [v for v in veto_holders if v not in dated]
    series += [(HolderSeries(v, names.get(v, v), ()), []) for v in silent]
    dates = [p.date for p in kept] + [sp.date.first_day for _, pts in series for sp in pts]
    start = dt.date(min(dates, default=today).year, 1, 1)
    narrow = width < 600
    # Text is at least 13 units: a phone shows the narrow variant at about 0.9 of its size.
    size = 13.5 if narrow else 13
    left, right = (14, 14) if narrow else (196, 24)
    name_h = size + 6 if narrow else 0  # a phone's names stand above their rows
    # A phone stacks each name over its row, so its rows are packed closer: 30+ holders fit.
    band_top, band_h = 46 + name_h, 34
    row_h, r = (24 + name_h, 11.0) if narrow else (32, 12.0)
    silent_h = 2 * r + 6  # a silent holder's row: its name beside the "?" on any width
    rows_top = band_top + band_h + 14
    drawn, hidden = _decisive_rows(series, MAX_TIMELINE_ROWS, veto_holders)
    centres, y = [], rows_top
    for _, pts in drawn:
        one = row_h if pts else silent_h
        centres.append(y + one - (row_h - name_h) / 2 if pts else y + one / 2)
        y += one
    more_y = y + (row_h - name_h) / 2 + name_h
    axis_y = y + (row_h if hidden else 0) + 8
    axis = time_axis(start, today, left, width - right)
    x = axis.x

    grid = axis_marks(axis, band_top - 6, axis_y, size)
    grid += _today(today, x(today), band_top - name_h, axis_y, size)

    def label(text: str, cy: float, **attrs: object) -> str:
        """A row's name: left of the row, or above it on a phone."""
        if narrow:
            return _text(left, cy - r - 6, fit(text, size, width - left - right), **attrs)
        return _text(left - 16, cy + 4, fit(text, size, left - 28), text_anchor="end", **attrs)

    band = [label("Veto status", band_top + band_h / 2, font_size=size, font_weight=600)]
    intervals = [(p, kept[i + 1].date if i + 1 < len(kept) else None) for i, p in enumerate(kept)]
    band += _band(kept, today, x, band_top, band_h, size)

    rows = []
    for (h, pts), cy in zip(drawn, centres, strict=True):
        if not pts:  # a veto holder with no dated stance: unknown all along
            name_end = left + 2 * r + 6 + text_width(h.name, size) + 6 if narrow else left
            if narrow:
                rows.append(_text(left + 2 * r + 6, cy + 4.5, h.name, font_size=size))
            else:
                rows.append(label(h.name, cy, font_size=size))
            rows.append(_stance_line(None, name_end, x(today), cy))
            rows.append(_position_marker(None, left + r, cy, r))
        else:
            rows.append(label(h.name, cy, font_size=size))
            rows += [m for part in _stance_marks(pts, axis, cy, r) for m in part]
    if hidden:
        cy = more_y
        rows.append(label(f"and {hidden:,} more", cy, font_size=size, fill=MUTED))
        rows.append(
            _text(left, cy + 4, "not drawn; the table lists them", font_size=size, fill=MUTED)
        )

    legend_top = axis_y + (3 if axis.broken else 2) * size + 40 + name_h
    key_left = left
    grid.append(label("Status", legend_top - 4, font_size=size, font_weight=600))
    status_key = _status_legend(key_left, legend_top, width - right, size)
    stance_top = status_key.bottom + 2.2 * size + name_h
    grid.append(label("Stance", stance_top - 4, font_size=size, font_weight=600))
    stance_key = _legend(
        [(_position_marker(p, 0, 0, 11), position_word(p)) for p in (2, 1, 0, -1, -2, None)],
        key_left,
        stance_top,
        width - right,
        size,
    )
    height = stance_key.bottom + 16

    desc = _description(option_title, kept, series, silent, start, today, axis)
    if hidden:
        desc += (
            f" Drawn: the {len(drawn)} most decisive (opponents and unknowns first),"
            f" and {hidden:,} more in the table."
        )
    body = "".join(grid) + status_key.svg + stance_key.svg + "".join(band) + "".join(rows)
    svg = _svg(cid, width, height, title, desc, body)
    tables = _tables(option_title, intervals, series, silent, names, day_href)
    return Chart(cid, title, desc, svg, tables)
