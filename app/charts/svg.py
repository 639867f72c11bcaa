"""Charts as SVG strings, drawn on the server for pages, downloads and embeds: what every chart
shares (the `Chart` it returns, its input rows, writing SVG, legends, the plot frame). One
module per chart draws it: `scatter` (the overview), `timeline`, `bars` (an option's scores)
and `ranks` (rank chances).

Every chart is a `Chart`: the SVG (an `<svg>` with a `<title>` and `<desc>` it is labelled by,
a viewBox, presentation attributes only: no `<script>`, `<style>`, event handlers, inline
`style` or outside resources, so a strict CSP allows it inline) and the same data as tables
for screen readers and for readers who prefer numbers. All text is escaped.

Ids inside a chart derive from its content, so the same input gives the same bytes, and two
different charts on one page do not share ids. Pass `chart_id` to set them.

Sizes are in viewBox units; the SVG also carries `width` and `height` for a downloaded file,
and `class="chart"` so page CSS can make it fluid (`max-width: 100%; height: auto`).
"""

import functools
import hashlib
import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TypeVar

from app.charts.marks import (
    GRID,
    INK,
    PAPER,
    Circle,
    status_mark,
    status_word,
)
from app.charts.metrics import fit, text_width
from app.dataset.text import xml_text
from app.dataset.vocabulary import VetoStatus

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


_T = TypeVar("_T")


def _crowd(group: Sequence[_T], limit: int) -> tuple[Sequence[_T], int]:
    """The first of `group` that fit `limit` slots, the last slot kept for "and N more"."""
    if len(group) <= limit:
        return group, 0
    return group[: limit - 1], len(group) - (limit - 1)
