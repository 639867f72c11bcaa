"""Charts as SVG strings, drawn on the server for pages, downloads and embeds.

Every chart is a `Chart`: the SVG (an `<svg>` with a `<title>` and `<desc>` it is labelled by,
a viewBox, presentation attributes only: no `<script>`, `<style>`, event handlers, inline
`style` or outside resources, so a strict CSP allows it inline) and the same data as tables
for screen readers and for readers who prefer numbers. All text is escaped.

Ids inside a chart derive from its content, so the same input gives the same bytes, and two
different charts on one page do not share ids. Pass `chart_id` to set them.

Sizes are in viewBox units; the SVG also carries `width` and `height` for a downloaded file,
and `class="chart"` so page CSS can make it fluid (`max-width: 100%; height: auto`).
"""

import datetime as dt
import functools
import hashlib
import html
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TypeVar

from app.analysis.ranks import RankChances, percent
from app.analysis.timeline import HolderSeries, StancePoint, TimelinePoint
from app.charts.marks import (
    ACCENT,
    GRID,
    INK,
    MUTED,
    PAPER,
    POSITION_COLOURS,
    Circle,
    position_symbol,
    position_word,
    status_colour,
    status_mark,
    status_word,
)
from app.charts.metrics import fit, text_width, wrap
from app.dataset.dates import human
from app.dataset.schema import VetoStatus, score_range
from app.dataset.text import xml_text

SVG_NS = "http://www.w3.org/2000/svg"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


@dataclass(frozen=True)
class DataTable:
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    links: tuple[str | None, ...] = ()  # per row: where its first cell links to, if anywhere


@dataclass(frozen=True)
class Chart:
    id: str  # the prefix of the ids inside; the title's id is f"{id}-title"
    title: str
    description: str
    svg: str
    tables: tuple[DataTable, ...]  # the same data, for screen readers and tables under charts

    @property
    def document(self) -> str:
        """The chart as a standalone .svg file."""
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + self.svg + "\n"


@dataclass(frozen=True)
class ScatterPoint:
    title: str
    href: str  # the option's page
    x: int | None  # score 1..5 on the criterion across; None when not assessed
    y: int | None  # score 1..5 on the criterion up
    status: str  # clear / uncertain / blocked / barred


@dataclass(frozen=True)
class BarRow:
    criterion: str
    score: int | None  # 1..5; None when not assessed
    low: int | None = None
    high: int | None = None
    scale_label: str = ""  # the label of the score's level, e.g. "Likely"
    lower_is_better: bool = False


@dataclass(frozen=True)
class RankRow:
    title: str
    chances: tuple[Fraction | float, ...]  # chances[r - 1]: chance of rank r; () if unranked
    texts: tuple[str, ...] = ()  # how each chance reads ("62 %"); derived when empty
    summary: str = ""  # e.g. "First in 62 % of cases"


# ---------------------------------------------------------------------------------------------
# Writing SVG


@functools.lru_cache(maxsize=4096)  # titles, labels and fills recur in every chart
def _esc(text: str) -> str:
    # Every string in a chart passes here: keep out what XML cannot carry, even if a control
    # character got past `explorer check`, so the SVG parses (and so rasterises).
    return html.escape(xml_text(text), quote=True)


def _num(v: float) -> str:
    """A coordinate to one decimal, without a trailing .0 (as round(v, 1) would print)."""
    if type(v) is int:  # the common case
        return str(v)
    text = f"{v:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
        return "0" if text == "-0" else text
    return text


@functools.cache
def _attr(key: str) -> str:
    return key.rstrip("_").replace("_", "-")


def _el(tag: str, content: str | None = None, **attrs: object) -> str:
    """An element; `font_size` becomes `font-size`, `class_` becomes `class`, None is left out."""
    head = tag
    for key, value in attrs.items():
        if value is None:
            continue
        # A number needs no escaping: most attributes are numbers.
        text = _num(value) if isinstance(value, (int, float)) else _esc(str(value))
        head += f' {_attr(key)}="{text}"'
    return f"<{head}/>" if content is None else f"<{head}>{content}</{tag}>"


def _text(x: float, y: float, text: str, **attrs: object) -> str:
    return _el("text", _esc(text), x=x, y=y, **attrs)


def _points(pts: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{_num(x)},{_num(y)}" for x, y in pts)


def _mark(status: str, cx: float, cy: float, r: float) -> str:
    out = []
    for piece in status_mark(status, cx, cy, r):
        s = piece.shape
        if isinstance(s, Circle):
            out.append(_el("circle", cx=s.cx, cy=s.cy, r=s.r, fill=piece.fill))
        else:
            out.append(_el("polygon", points=_points(s.points), fill=piece.fill))
    return "".join(out)


def _chart_id(kind: str, payload: object) -> str:
    return f"chart-{kind}-{hashlib.sha256(repr(payload).encode()).hexdigest()[:10]}"


def _svg(
    cid: str, width: float, height: float, title: str, desc: str, body: str, *, role: str = "img"
) -> str:
    head = _el("title", _esc(title), id=f"{cid}-title") + _el("desc", _esc(desc), id=f"{cid}-desc")
    paper = _el("rect", width=width, height=height, fill=PAPER)
    return _el(
        "svg",
        head + paper + body,
        xmlns=SVG_NS,
        class_="chart",
        id=cid,
        viewBox=f"0 0 {_num(width)} {_num(height)}",
        width=width,
        height=height,
        role=role,
        aria_labelledby=f"{cid}-title {cid}-desc",
        font_family=FONT,
        font_size=13,
        fill=INK,
    )


@dataclass(frozen=True)
class _Drawn:
    svg: str
    bottom: float  # the baseline of the last line drawn


def _legend(
    entries: Sequence[tuple[str, str]], x0: float, y: float, right: float, size: float = 12
) -> _Drawn:
    """Marks (drawn around (0, 0)) with their words in a row from x0, wrapping at `right`."""
    out, x, gap = [], x0, 20 * size / 12
    for mark, word in entries:
        width = gap + text_width(word, size) + 14
        if x + width > right and x > x0:
            x, y = x0, y + 22 * size / 12
        out.append(_el("g", mark, transform=f"translate({_num(x + 8)} {_num(y - size / 3)})"))
        out.append(_text(x + gap, y, word, font_size=size))
        x += width
    return _Drawn("".join(out), y)


def _status_legend(x0: float, y: float, right: float, size: float = 12) -> _Drawn:
    return _legend(
        [(_mark(s, 0, 0, size / 2), status_word(s)) for s in VetoStatus], x0, y, right, size
    )


def _lines(x: float, top: float, lines: Sequence[str], size: float, **attrs: object) -> str:
    """Lines of text, the first baseline one line below `top`."""
    step = size * 1.2
    return "".join(
        _text(x, top + size + i * step, line, font_size=size, **attrs)
        for i, line in enumerate(lines)
    )


def _scale_text(score: int | None, labels: Mapping[int, str]) -> str:
    if score is None:
        return "not assessed"
    label = labels.get(score, "")
    return f"{score} · {label}" if label else str(score)


def _count_words(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{n} {status_word(s).lower()}" for s, n in counts.items() if n)


@dataclass(frozen=True)
class _Plot:
    """A 5 x 5 grid of score cells: its left, top and right edges and its row height, or
    each row's own height (top row, score 5, first) where rows hold labels of unlike size."""

    left: float
    top: float
    right: float
    row_h: float
    rows: tuple[float, ...] = ()

    @property
    def cell_w(self) -> float:
        return (self.right - self.left) / 5

    @property
    def heights(self) -> tuple[float, ...]:
        return self.rows or (self.row_h,) * 5

    def row_top(self, i: int) -> float:
        """The top edge of row `i` (0: the top row); row_top(5) is the bottom."""
        return self.top + sum(self.heights[:i])

    @property
    def bottom(self) -> float:
        return self.row_top(5)


def _frame(
    plot: _Plot,
    x_ticks: Sequence[str],
    y_ticks: Sequence[str],
    titles: tuple[str, str],
    size: float,
    gaps: tuple[float, float, float],
) -> list[str]:
    """The grid, the level labels of both axes and their titles (x under, y turned up the
    left side). `gaps`: the x ticks' and x title's distance below the grid, the y title's x."""
    tick_gap, title_gap, title_x = gaps
    out = []
    for i in range(6):
        gx, gy = plot.left + i * plot.cell_w, plot.row_top(i)
        out.append(_el("line", x1=gx, y1=plot.top, x2=gx, y2=plot.bottom, stroke=GRID))
        out.append(_el("line", x1=plot.left, y1=gy, x2=plot.right, y2=gy, stroke=GRID))
    for v in range(1, 6):
        cx = plot.left + (v - 0.5) * plot.cell_w
        cy = (plot.row_top(5 - v) + plot.row_top(6 - v)) / 2
        out.append(
            _text(cx, plot.bottom + tick_gap, x_ticks[v - 1], font_size=12, text_anchor="middle")
        )
        out.append(_text(plot.left - 8, cy + 4, y_ticks[v - 1], font_size=12, text_anchor="end"))
    axis = dict(font_size=size, font_weight=600, text_anchor="middle")
    x_title = fit(f"{titles[0]} →", size, 5 * plot.cell_w, bold=True)
    y_title = fit(f"{titles[1]} →", size, plot.bottom - plot.top, bold=True)
    out.append(_text(plot.left + 2.5 * plot.cell_w, plot.bottom + title_gap, x_title, **axis))
    out.append(
        _text(-(plot.top + plot.bottom) / 2, title_x, y_title, transform="rotate(-90)", **axis)
    )
    return out


# ---------------------------------------------------------------------------------------------
# a. Options placed on two criteria

# Options drawn in one cell of the scatter; the rest are counted ("and 12 more"), so a cell
# does not grow with the data. The table under the chart lists every option.
MAX_STACK = 6
MAX_STACK_COMPACT = 8
LABEL_LINES = 8  # a title longer than this is cut with an ellipsis: a last resort
_T = TypeVar("_T")


def _crowd(group: Sequence[_T], limit: int) -> tuple[Sequence[_T], int]:
    """The first of `group` that fit `limit` slots, the last slot kept for "and N more"."""
    if len(group) <= limit:
        return group, 0
    return group[: limit - 1], len(group) - (limit - 1)


def _crowded(cells: Mapping[tuple[int, int], Sequence[object]], limit: int) -> str:
    hidden = sum(len(c) - len(_crowd(c, limit)[0]) for c in cells.values())
    return f" {hidden:,} options in crowded cells are counted, not drawn." if hidden else ""


def scatter(
    points: Sequence[ScatterPoint],
    x_label: str,
    y_label: str,
    x_scale_labels: Mapping[int, str],
    y_scale_labels: Mapping[int, str],
    *,
    chart_id: str | None = None,
) -> Chart:
    """Options placed by their scores (1..5) on two criteria, each marked by its veto status
    with a shape and a word, labelled with its title (on up to two lines) and linking to its
    page. Options that share a cell are stacked inside it, and the rows grow to hold the
    largest stack. Options without both scores are left out of the picture; the description
    and the table name them.

    The SVG's role is "group", not "img": its points are links, which an image would hide.
    Each link is named by its `<title>`: the full option title, status and both scores."""
    cid = chart_id or _chart_id(
        "scatter", (points, x_label, y_label, sorted(x_scale_labels.items()))
    )
    title = f"{y_label} against {x_label}, by veto status"
    cells: dict[tuple[int, int], list[ScatterPoint]] = {}
    for p in points:
        if p.x is not None and p.y is not None:
            cells.setdefault((p.x, p.y), []).append(p)
    size, line = 12.5, 15.0
    width, left, right, top = 900, 156, 12, 64
    cell_w = (width - left - right) / 5
    label_w = cell_w - 34
    # Each title in full, on as many lines as it takes (#19.10: names were cut at two lines);
    # an entry is its lines, the status word and a gap, and the rows grow to the fullest cell.
    labels = {id(p): wrap(p.title, size, label_w, LABEL_LINES) for c in cells.values() for p in c}

    def block(p: ScatterPoint) -> float:
        return line * max(2, len(labels[id(p)])) + 20  # a short name keeps two lines' room

    more_h = 2 * line + 20

    def stack_h(crowd: Sequence[ScatterPoint]) -> float:
        group, more = _crowd(crowd, MAX_STACK)
        return sum(block(p) for p in group) + (more_h if more else 0)

    # Each row as tall as its fullest cell: the scores are levels, not distances, and a
    # uniform height made every row as tall as the tallest (#19.10).
    rows = tuple(
        max(84, max((stack_h(c) for (_, y), c in cells.items() if y == level), default=0) + 12)
        for level in range(5, 0, -1)
    )
    plot = _Plot(left, top, width - right, 84, rows)
    height = plot.bottom + 70

    x_ticks = [fit(_scale_text(v, x_scale_labels), 12, cell_w - 8) for v in range(1, 6)]
    y_ticks = [fit(_scale_text(v, y_scale_labels), 12, left - 44) for v in range(1, 6)]
    grid = _frame(
        plot,
        x_ticks,
        y_ticks,
        (x_label, y_label),
        14,
        (20, 50, 22),
    )
    grid.append(_text(left, 30, "Veto status:", font_size=12, font_weight=600))
    grid.append(_status_legend(left + 90, 30, width - right).svg)

    links = []
    for (x, y), crowd in sorted(cells.items()):
        cell_left = left + (x - 1) * cell_w
        group, more = _crowd(crowd, MAX_STACK)
        by = plot.row_top(5 - y) + (rows[5 - y] - stack_h(crowd)) / 2
        for p in group:
            lines = labels[id(p)]
            name = (
                f"{p.title}: {status_word(p.status)}; {x_label} "
                f"{_scale_text(p.x, x_scale_labels)}, {y_label} {_scale_text(p.y, y_scale_labels)}"
            )
            body = _el("title", _esc(name))
            body += _el(
                "rect",
                x=cell_left + 2,
                y=by,
                width=cell_w - 4,
                height=block(p),
                fill=PAPER,
                fill_opacity=0,
            )
            body += _mark(p.status, cell_left + 15, by + 8.5, 7)
            body += _lines(cell_left + 29, by, lines, size)
            body += _text(
                cell_left + 29,
                by + size + line * len(lines) + 1,
                status_word(p.status),
                font_size=11,
                fill=status_colour(p.status),
            )
            links.append(_el("a", body, href=p.href))
            by += block(p)
        if more:
            text = f"and {more:,} more"
            links.append(_text(cell_left + 29, by + size + 2, text, font_size=12, fill=MUTED))

    placed = [p for p in points if p.x is not None and p.y is not None]
    counts: dict[str, int] = {s: sum(1 for p in placed if p.status == s) for s in VetoStatus}
    desc = (
        f"{len(placed)} options placed by {x_label} (across, 1 to 5) and {y_label} "
        f"(up, 1 to 5), each marked by its veto status: {_count_words(counts)}."
    )
    missing = [p.title for p in points if p.x is None or p.y is None]
    if missing:
        desc += f" Not shown, for want of a score: {', '.join(missing)}."
    desc += _crowded(cells, MAX_STACK)
    decoration = _el("g", "".join(grid), aria_hidden="true")
    svg = _svg(cid, width, height, title, desc, decoration + "".join(links), role="group")
    table = DataTable(
        caption=title,
        columns=("Option", x_label, y_label, "Veto status"),
        rows=tuple(
            (
                p.title,
                _scale_text(p.x, x_scale_labels),
                _scale_text(p.y, y_scale_labels),
                status_word(p.status),
            )
            for p in points
        ),
        links=tuple(p.href for p in points),
    )
    return Chart(cid, title, desc, svg, (table,))


def scatter_compact(
    points: Sequence[ScatterPoint],
    x_label: str,
    y_label: str,
    *,
    numbers: Sequence[int] | None = None,
    chart_id: str | None = None,
) -> Chart:
    """The scatter for a phone's width (360 units across): each option is its status mark and
    a number (by default its place in `points`, 1-based), so a list beside the chart, numbered
    the same way, is its key. Each point still links to its option and is named in full by its
    `<title>`, as in `scatter`."""
    nums = list(numbers) if numbers is not None else list(range(1, len(points) + 1))
    cid = chart_id or _chart_id("scatter-compact", (points, x_label, y_label, nums))
    title = f"{y_label} against {x_label}, by veto status"
    cells: dict[tuple[int, int], list[tuple[int, ScatterPoint]]] = {}
    for n, p in zip(nums, points, strict=True):
        if p.x is not None and p.y is not None:
            cells.setdefault((p.x, p.y), []).append((n, p))
    width, left, right = 360, 44, 8
    legend = _status_legend(left, 20, width - right)
    top = legend.bottom + 18
    cell_w = (width - left - right) / 5
    per_row, item_h = 2, 22
    biggest = min(max((len(c) for c in cells.values()), default=1), MAX_STACK_COMPACT)
    row_h = max(40, item_h * -(-biggest // per_row) + 10)
    plot_bottom = top + 5 * row_h
    height = plot_bottom + 52

    ticks = [str(v) for v in range(1, 6)]
    grid = _frame(
        _Plot(left, top, width - right, row_h), ticks, ticks, (x_label, y_label), 13, (16, 40, 16)
    )

    links = []
    for (x, y), crowd in sorted(cells.items()):
        cell_left = left + (x - 1) * cell_w
        group, more = _crowd(crowd, MAX_STACK_COMPACT)
        rows = -(-(len(group) + bool(more)) // per_row)
        first = top + (5 - y) * row_h + (row_h - item_h * rows) / 2
        if more:
            j = len(group)
            ix = cell_left + 4 + (j % per_row) * (cell_w - 8) / per_row
            iy = first + (j // per_row) * item_h + item_h / 2 + 4.5
            links.append(_text(ix + 4, iy, f"+{more:,}", font_size=12, fill=MUTED))
        for j, (n, p) in enumerate(group):
            ix = cell_left + 4 + (j % per_row) * (cell_w - 8) / per_row
            iy = first + (j // per_row) * item_h
            name = f"{n}. {p.title}: {status_word(p.status)}; {x_label} {p.x}, {y_label} {p.y}"
            body = _el("title", _esc(name))
            body += _el(
                "rect",
                x=ix,
                y=iy,
                width=(cell_w - 8) / per_row,
                height=item_h,
                fill=PAPER,
                fill_opacity=0,
            )
            body += _mark(p.status, ix + 8, iy + item_h / 2, 6)
            body += _text(ix + 16, iy + item_h / 2 + 4.5, str(n), font_size=12.5, font_weight=700)
            links.append(_el("a", body, href=p.href))

    placed = [p for p in points if p.x is not None and p.y is not None]
    counts: dict[str, int] = {s: sum(1 for p in placed if p.status == s) for s in VetoStatus}
    desc = (
        f"{len(placed)} options placed by {x_label} (across, 1 to 5) and {y_label} "
        f"(up, 1 to 5), each marked by its veto status and numbered as in the list: "
        f"{_count_words(counts)}."
    ) + _crowded(cells, MAX_STACK_COMPACT)
    decoration = _el("g", "".join(grid) + legend.svg, aria_hidden="true")
    svg = _svg(cid, width, height, title, desc, decoration + "".join(links), role="group")
    table = DataTable(
        caption=title,
        columns=("No.", "Option", x_label, y_label, "Veto status"),
        rows=tuple(
            (
                str(n),
                p.title,
                "not assessed" if p.x is None else str(p.x),
                "not assessed" if p.y is None else str(p.y),
                status_word(p.status),
            )
            for n, p in zip(nums, points, strict=True)
        ),
    )
    return Chart(cid, title, desc, svg, (table,))


# ---------------------------------------------------------------------------------------------
# b. Veto status and stances over time


def _year_step(px_per_year: float) -> int:
    return next((s for s in (1, 2, 5, 10, 20, 25, 50) if px_per_year * s >= 48), 100)


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
# A long record squeezes the years before the last RECENT_YEARS into EARLY_SHARE of the axis,
# so the recent years, where stances change most, are not a sliver at the right.
RECENT_YEARS = 3
EARLY_SHARE = 0.25

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


@dataclass(frozen=True)
class _TimeAxis:
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


def _time_axis(start: dt.date, today: dt.date, left: float, right: float) -> _TimeAxis:
    recent = dt.date(today.year - RECENT_YEARS + 1, 1, 1)
    if (recent - start).days < 3 * 365:
        return _TimeAxis(start, start, today, left, right, left)
    return _TimeAxis(start, recent, today, left, right, left + EARLY_SHARE * (right - left))


def _axis_marks(axis: _TimeAxis, top: float, axis_y: float, size: float) -> list[str]:
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
    pts: Sequence[StancePoint], axis: _TimeAxis, cy: float, r: float
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
    axis = _time_axis(start, today, left, width - right)
    x = axis.x

    grid = _axis_marks(axis, band_top - 6, axis_y, size)
    grid.append(
        _el(
            "line",
            x1=x(today),
            y1=band_top - 14 - name_h,
            x2=x(today),
            y2=axis_y,
            stroke=INK,
            stroke_dasharray="4 3",
        )
    )
    grid.append(
        _text(
            x(today),
            band_top - 18 - name_h,
            f"Today, {human(today)}",
            font_size=size,
            text_anchor="end",
        )
    )

    def label(text: str, cy: float, **attrs: object) -> str:
        """A row's name: left of the row, or above it on a phone."""
        if narrow:
            return _text(left, cy - r - 6, fit(text, size, width - left - right), **attrs)
        return _text(left - 16, cy + 4, fit(text, size, left - 28), text_anchor="end", **attrs)

    band = [label("Veto status", band_top + band_h / 2, font_size=size, font_weight=600)]
    intervals = [(p, kept[i + 1].date if i + 1 < len(kept) else None) for i, p in enumerate(kept)]
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
            continue
        rows.append(label(h.name, cy, font_size=size))
        lines, marks = _stance_marks(pts, axis, cy, r)
        rows.extend(lines)
        rows.extend(marks)
    if hidden:
        cy = more_y
        rows.append(label(f"and {hidden:,} more", cy, font_size=size, fill=MUTED))
        rows.append(
            _text(
                left,
                cy + 4,
                "not drawn; the table lists them",
                font_size=size,
                fill=MUTED,
            )
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
    if hidden:
        desc += (
            f" Drawn: the {len(drawn)} most decisive (opponents and unknowns first),"
            f" and {hidden:,} more in the table."
        )
    body = "".join(grid) + status_key.svg + stance_key.svg + "".join(band) + "".join(rows)
    svg = _svg(cid, width, height, title, desc, body)
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
    return Chart(cid, title, desc, svg, (status_table, stance_table))


# ---------------------------------------------------------------------------------------------
# c. One option's scores


def _range_text(r: BarRow) -> str:
    if r.score is None:
        return ""
    low, high = score_range(r.score, r.low, r.high)
    return "" if low == high else f"{low}–{high}"


# Criteria a bar chart draws; the rest are counted, and the table lists every one.
MAX_BARS = 30


def bars(
    option_title: str,
    rows: Sequence[BarRow],
    *,
    width: float = 600,
    chart_id: str | None = None,
) -> Chart:
    """Horizontal bars of an option's scores (1..5) on each criterion, with a whisker over
    the low..high range where the score has one. Criterion names wrap onto two lines; a
    criterion where lower is better says so under its name. Below 600 units wide (a phone,
    small multiples) the names and the figures get narrower columns."""
    cid = chart_id or _chart_id("bars", (option_title, rows, width))
    title = f"Scores of {option_title}"
    if width < STACKED_BARS:
        return _stacked_bars(cid, title, option_title, rows, width)
    narrow = width < 600
    left, figures = (round(width * 0.36), 100) if narrow else (188, 152)
    unit, top, row_h = (width - left - figures) / 5, 10, 50
    drawn, more = _crowd(rows, MAX_BARS)
    n_rows = len(drawn) + bool(more)
    height = top + row_h * n_rows + 30

    def x(v: float) -> float:
        return left + unit * v

    grid = []
    for s in range(6):
        grid.append(_el("line", x1=x(s), y1=top, x2=x(s), y2=top + row_h * n_rows, stroke=GRID))
        grid.append(
            _text(x(s), height - 10, str(s), font_size=11, fill=MUTED, text_anchor="middle")
        )
    out = []
    if more:
        cy = top + len(drawn) * row_h + row_h / 2
        text = f"and {more:,} more criteria"
        out.append(_text(left - 12, cy + 4, text, font_size=12.5, fill=MUTED, text_anchor="end"))
        out.append(_text(x(0) + 6, cy + 4, "in the table", font_size=12, fill=MUTED))
    for i, r in enumerate(drawn):
        cy = top + i * row_h + row_h / 2
        names = wrap(r.criterion, 12.5, left - 22, 2)
        note = ["lower is better"] if r.lower_is_better else []
        label_h = 15 * len(names) + 13 * len(note)
        out.append(_lines(left - 12, cy - label_h / 2 - 3, names, 12.5, text_anchor="end"))
        if note:
            out.append(
                _text(
                    left - 12,
                    cy + label_h / 2 - 3,
                    note[0],
                    font_size=10.5,
                    fill=MUTED,
                    text_anchor="end",
                )
            )
        if r.score is None:
            out.append(_text(x(0) + 6, cy + 4, "not assessed", font_size=12, fill=MUTED))
            continue
        out.extend(_bar_marks(r, x, cy, width - 4))

    return _bars_chart(cid, title, option_title, rows, width, height, "".join(grid) + "".join(out))


# Below this width (a phone's) each criterion's name stands on its own line above its bar, so
# names are whole and the text keeps its size.
STACKED_BARS = 400


def _bar_marks(r: BarRow, x: Callable[[float], float], cy: float, right: float) -> list[str]:
    """A score's bar, its range's whisker, and its value and label after them."""
    out = [_el("rect", x=x(0), y=cy - 8, width=x(r.score or 0) - x(0), height=16, fill=ACCENT)]
    assert r.score is not None
    low, high = score_range(r.score, r.low, r.high)
    if low != high:
        out.append(_el("line", x1=x(low), y1=cy, x2=x(high), y2=cy, stroke=INK, stroke_width=2))
        for end in (low, high):
            out.append(
                _el("line", x1=x(end), y1=cy - 7, x2=x(end), y2=cy + 7, stroke=INK, stroke_width=2)
            )
    tx = x(max(r.score, high)) + 8
    value = f"{r.score} · {r.scale_label}" if r.scale_label else str(r.score)
    out.append(_text(tx, cy + 4, fit(value, 13, right - tx), font_size=13))
    return out


def _stacked_bars(
    cid: str, title: str, option_title: str, rows: Sequence[BarRow], width: float
) -> Chart:
    left, right, size = 10, width - 10, 13.5
    unit = (right - left - 110) / 5  # room after a full bar for "5 · Prohibitive"

    def x(v: float) -> float:
        return left + unit * v

    drawn, more = _crowd(rows, MAX_BARS)
    out, y = [], 8.0
    for r in drawn:
        names = wrap(
            r.criterion + (" (lower is better)" if r.lower_is_better else ""),
            size,
            right - left,
            2,
            bold=True,
        )
        out.append(_lines(left, y, names, size, font_weight=600))
        y += size * 1.2 * len(names) + 6
        cy = y + 10
        if r.score is None:
            out.append(_text(left, cy + 4, "not assessed", font_size=size, fill=MUTED))
        else:
            out.append(
                _el(
                    "rect", x=x(0), y=cy - 8, width=unit * 5, height=16, fill=GRID, fill_opacity=0.5
                )
            )
            out.extend(_bar_marks(r, x, cy, right))
        y = cy + 20
    if more:
        out.append(
            _text(
                left,
                y + size,
                f"and {more:,} more criteria, in the table",
                font_size=size,
                fill=MUTED,
            )
        )
        y += size * 1.6
    return _bars_chart(cid, title, option_title, rows, width, y + 6, "".join(out))


def _bars_chart(
    cid: str,
    title: str,
    option_title: str,
    rows: Sequence[BarRow],
    width: float,
    height: float,
    body: str,
) -> Chart:
    parts = [
        f"{r.criterion} {r.score if r.score is not None else 'not assessed'}"
        + (f" (range {_range_text(r)})" if _range_text(r) else "")
        for r in rows
    ]
    desc = f"Scores of {option_title}, 1 to 5: {'; '.join(parts)}."
    svg = _svg(cid, width, height, title, desc, body)
    table = DataTable(
        caption=title,
        columns=("Criterion", "Score", "Range", "Meaning"),
        rows=tuple(
            (
                r.criterion + (" (lower is better)" if r.lower_is_better else ""),
                "not assessed" if r.score is None else str(r.score),
                _range_text(r),
                r.scale_label,
            )
            for r in rows
        ),
    )
    return Chart(cid, title, desc, svg, (table,))


# ---------------------------------------------------------------------------------------------
# d. The chance of each rank


@functools.cache
def short_ordinal(n: int) -> str:
    """1 -> '1st', 2 -> '2nd', 11 -> '11th'."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rank_rows(result: RankChances, titles: Mapping[str, str]) -> list[RankRow]:
    """Rows for `rank_chances` from `app.analysis.ranks.rank_chances`' result, in its order."""
    return [
        RankRow(
            titles.get(rc.option, rc.option),
            rc.chances,
            tuple(rc.chance_text(r) for r in range(1, len(rc.chances) + 1)),
            rc.summary,
        )
        for rc in result.options
    ]


@functools.cache  # every rank chart of n options asks again
def _palette(n: int) -> tuple[str, ...]:
    """n fills from dark blue (first) to light blue (last)."""
    dark, light = (11, 61, 145), (198, 219, 247)
    out = []
    for i in range(n):
        t = i / (n - 1) if n > 1 else 0
        rgb = [round(a + (b - a) * t) for a, b in zip(dark, light, strict=True)]
        out.append("#" + "".join(f"{c:02x}" for c in rgb))
    return tuple(out)


def _luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


@functools.cache
def _text_on(fill: str) -> str:
    """White or ink, whichever contrasts more with `fill`."""
    lum = _luminance(fill)
    return PAPER if (1.05 / (lum + 0.05)) >= ((lum + 0.05) / (_luminance(INK) + 0.05)) else INK


@functools.cache  # the same for every rank chart of n ranks
def _rank_legend(n: int, left: float) -> str:
    legend = _text(left, 26, "Rank:", font_size=12, font_weight=600)
    fills = _palette(n)
    lx = left + 46.0
    for k in range(n):
        legend += _el("rect", x=lx, y=15, width=14, height=14, fill=fills[k])
        legend += _text(lx + 19, 26, short_ordinal(k + 1), font_size=12)
        lx += 30 + text_width(short_ordinal(k + 1), 12)
    return legend


# Options a rank chart draws (a comparison has at most six); the rest are counted.
MAX_RANK_ROWS = 12


def rank_chances(
    rows: Sequence[RankRow],
    *,
    method: str = "",
    width: float = 900,
    chart_id: str | None = None,
) -> Chart:
    """One stacked bar per option: the chance of each rank, first (darkest) on the left,
    under the option's title and its one-line summary. `method` (e.g. "exact") is stated in
    the description. A share too narrow for its label is left unlabelled; the table has it."""
    cid = chart_id or _chart_id("ranks", (rows, method, width))
    title = "Chance of each rank"
    n = max((len(r.chances) for r in rows), default=0)
    fills = _palette(n)
    # Narrow (a phone): each summary gets its own line under the title.
    narrow = width < 600
    left, right, top, row_h = 16, 16, 44, 82 if narrow else 64
    bar_w = width - left - right
    drawn, more = _crowd(rows, MAX_RANK_ROWS)
    height = top + row_h * (len(drawn) + bool(more)) + 4
    texts = [r.texts or tuple(percent(p) for p in r.chances) for r in rows]

    legend = _rank_legend(n, left)

    out = []
    if more:
        more_top = top + len(drawn) * row_h + 20
        out.append(_text(left, more_top, f"and {more:,} more options", font_size=13, fill=MUTED))
    for i, (r, row_texts) in enumerate(zip(drawn, texts, strict=False)):
        top_i = top + i * row_h
        name = fit(r.title, 13, bar_w, bold=True)
        out.append(_text(left, top_i + 14, name, font_size=13, font_weight=600))
        if r.summary:
            sx = left if narrow else left + text_width(name, 13, bold=True) + 10
            sy = top_i + (32 if narrow else 14)
            out.append(
                _text(sx, sy, fit(r.summary, 12, width - right - sx), font_size=12, fill=MUTED)
            )
        bar_top = top_i + (40 if narrow else 22)
        if not r.chances:
            out.append(_text(left + 6, bar_top + 18, "not ranked", font_size=12, fill=MUTED))
            continue
        x0 = float(left)
        for k, (p, text) in enumerate(zip(r.chances, row_texts, strict=True)):
            w = bar_w * float(p)
            if w <= 0:
                continue
            # A share per option and rank on every weight change: written out, not by _el.
            out.append(
                f'<rect x="{_num(x0)}" y="{_num(bar_top)}" width="{_num(w)}" height="28"'
                f' fill="{fills[k]}"/>'
            )
            label = f"{short_ordinal(k + 1)} {text}"
            if w >= text_width(label, 11.5) + 10:
                out.append(
                    _text(
                        x0 + w / 2,
                        bar_top + 18,
                        label,
                        font_size=11.5,
                        text_anchor="middle",
                        fill=_text_on(fills[k]),
                    )
                )
            x0 += w
        out.append(
            _el("rect", x=left, y=bar_top, width=bar_w, height=28, fill="none", stroke=MUTED)
        )

    summaries = " ".join(f"{r.title}: {r.summary}." for r in rows if r.summary)
    how = f" Method: {method}." if method else ""
    desc = (
        f"For each of {len(rows)} options, the chance of each rank from first to "
        f"{short_ordinal(n) if n else 'last'} when every score varies over its range.{how}"
        + (f" {summaries}" if summaries else "")
    )
    svg = _svg(cid, width, height, title, desc, legend + "".join(out))
    table = DataTable(
        caption=title,
        columns=("Option", *(short_ordinal(k + 1) for k in range(n)), "In short"),
        rows=tuple(
            (r.title, *(t[k] if k < len(t) else "" for k in range(n)), r.summary)
            for r, t in zip(rows, texts, strict=True)
        ),
    )
    return Chart(cid, title, desc, svg, (table,))
