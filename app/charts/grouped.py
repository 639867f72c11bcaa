"""One chart of a comparison's scores, criterion by criterion: each criterion a group with one
bar per option, in the table's column order, so the options line up on one axis.

Drawn narrow (criteria stacked, bars across) so that one layout reads at a phone's width and
beside the ranking on a desktop. Options are told apart by a number and a marker shape as well
as a colour; the legend gives each number its option's whole title. Criterion names wrap and are
never cut; a criterion where lower is better says so under its name.

Pure: built from plain rows, written with the helpers of `app.charts.svg`."""

from collections.abc import Sequence
from dataclasses import dataclass

from app.charts.bars import MAX_BARS, _range_text
from app.charts.marks import GRID, INK, MUTED, PAPER
from app.charts.metrics import fit, text_width, wrap
from app.charts.svg import (
    BarRow,
    Chart,
    DataTable,
    _chart_id,
    _crowd,
    _el,
    _lines,
    _num,
    _points,
    _svg,
    _text,
)

# Dark enough for white text and for a thin bar on white; unlike the veto statuses' colours,
# so that an option's colour never reads as a status.
COLOURS = ("#0b5cad", "#a34a00", "#6f42c1", "#0f6e66", "#a3246b", "#4d5a1f")
SHAPES = ("circle", "square", "triangle", "diamond", "down", "hexagon")
WIDTH = 400  # about a phone's width: the text keeps its size there, and beside the ranking
SIZE = 14.0  # criterion names and figures
ROW = 17.0  # one option's bar
MAX_OPTIONS = 6  # a comparison's most
LOWER = "lower is better"


@dataclass(frozen=True)
class Group:
    criterion: str
    lower_is_better: bool
    cells: tuple[BarRow, ...]  # one per option, in the options' order


def _shape(i: int, r: float) -> str:
    """Option i's marker centred on (0, 0): a shape of its own in its colour, with its number
    in white. Drawn around the origin, so that every use of it is the same bytes."""
    colour, shape = COLOURS[i % len(COLOURS)], SHAPES[i % len(SHAPES)]
    if shape == "circle":
        mark = _el("circle", cx=0, cy=0, r=r, fill=colour)
    else:
        d = r * {"square": 0.9, "diamond": 1.25, "triangle": 1.25, "down": 1.25}.get(shape, 1.1)
        pts = {
            "square": ((-d, -d), (d, -d), (d, d), (-d, d)),
            "diamond": ((0, -d), (d, 0), (0, d), (-d, 0)),
            "triangle": ((0, -d), (d, d * 0.8), (-d, d * 0.8)),
            "down": ((-d, -d * 0.8), (d, -d * 0.8), (0, d)),
            "hexagon": ((-d / 2, -d), (d / 2, -d), (d, 0), (d / 2, d), (-d / 2, d), (-d, 0)),
        }[shape]
        mark = _el("polygon", points=_points(pts), fill=colour)
    dy = 2.5 if shape == "triangle" else -1.5 if shape == "down" else 0
    number = _text(
        0, dy + 4, str(i + 1), font_size=11, font_weight=700, fill=PAPER, text_anchor="middle"
    )
    return mark + number


def _whisker(x1: float, x2: float) -> str:
    ends = "".join(
        _el("line", x1=x, y1=-6, x2=x, y2=6, stroke=INK, stroke_width=2) for x in (x1, x2)
    )
    return _el("line", x1=x1, y1=0, x2=x2, y2=0, stroke=INK, stroke_width=2) + ends


def _at(x: float, y: float, body: str) -> str:
    return _el("g", body, transform=f"translate({_num(x)} {_num(y)})")


def _value(c: BarRow) -> str:
    if c.score is None:
        return "not assessed"
    return f"{c.score} · {c.scale_label}" if c.scale_label else str(c.score)


def grouped(
    options: Sequence[str],
    groups: Sequence[Group],
    *,
    width: float = WIDTH,
    chart_id: str | None = None,
) -> Chart:
    """Options' scores (1..5) grouped by criterion, each bar with a whisker over its low..high
    range where it has one, its option's marker and number before it and its value after it."""
    # long: one drawing, top to bottom (layout, legend, a group of bars per criterion, the
    # description and its table), as the other charts are.
    options = list(options)[:MAX_OPTIONS]
    cid = chart_id or _chart_id("grouped", (tuple(options), tuple(groups), width))
    title = "Scores by criterion"
    left, right = 10.0, width - 10
    x0 = left + 22  # after the option's marker
    unit = (right - x0 - 130) / 5  # room after a full bar for "5 · Prohibitive"

    def x(v: float) -> float:
        return x0 + unit * v

    out: list[str] = []
    y = 4.0
    # The legend: each option's marker and whole title, wrapped.
    for i, name in enumerate(options):
        lines = wrap(name, 13, right - x0, 6)
        out.append(_at(left + 8, y + 10, _shape(i, 8)))
        out.append(_lines(x0, y - 2, lines, 13))
        y += 13 * 1.2 * len(lines) + 3
    y += 6
    for s in range(6):
        out.append(_text(x(s), y + 10, str(s), font_size=11, fill=MUTED, text_anchor="middle"))
    y += 16
    marks = [_shape(i, 7) for i in range(len(options))]
    # Every bar row is drawn at the origin and moved into place: rows differ only in their
    # bar's length, range and value, so a page's gzip carries little for each.
    n = len(options)
    # The scale's lines behind each group's bars: the same bytes for every group.
    scale = "".join(_el("line", x1=x(v), y1=0, x2=x(v), y2=ROW * n, stroke=GRID) for v in range(6))
    drawn, more = _crowd(groups, MAX_BARS)
    for g in drawn:
        out.append(_el("line", x1=left, y1=y, x2=right, y2=y, stroke=GRID))
        names = wrap(g.criterion, SIZE, right - left, 8, bold=True)
        out.append(_lines(left, y + 2, names, SIZE, font_weight=600))
        y += 4 + SIZE * 1.2 * len(names)
        if g.lower_is_better:
            # After the name where it fits, else on a line of its own.
            after = left + text_width(names[-1], SIZE, bold=True) + 8
            if after + text_width(LOWER, 12) <= right:
                out.append(_text(after, y - 3.5, LOWER, font_size=12, fill=MUTED))
            else:
                out.append(_text(left, y + 12, LOWER, font_size=12, fill=MUTED))
                y += 15
        y += 3
        out.append(_at(0, y, scale))
        for i, c in enumerate(g.cells[: len(options)]):
            row = [_at(left + 8, 0, marks[i])]
            if c.score is not None:
                row.append(
                    _el("rect", x=x0, y=-6, width=unit * c.score, height=12, fill=COLOURS[i])
                )
                low = c.low if c.low is not None else c.score
                high = c.high if c.high is not None else c.score
                if low != high:  # the range: a whisker, as on an option's own chart
                    row.append(_whisker(x(low), x(high)))
            # The value right after its bar (or range), as on an option's own chart.
            end = max(c.score, c.high or 0) if c.score is not None else 0
            tx = x(end) + 7
            text = fit(_value(c), 13, right - tx)
            row.append(_text(tx, 4.5, text, font_size=13, fill=MUTED if c.score is None else None))
            out.append(_at(0, y + ROW / 2, "".join(row)))
            y += ROW
        y += 5
    if more:
        out.append(_text(left, y + 14, f"and {more:,} more criteria, in the table", fill=MUTED))
        y += 20
    height = y + 4

    def cell_text(c: BarRow) -> str:
        if c.score is None:
            return "not assessed"
        r = _range_text(c)
        return f"{c.score}" + (f" (range {r})" if r else "")

    legend = "; ".join(f"{i} {name}" for i, name in enumerate(options, 1))
    lower = [g.criterion for g in groups if g.lower_is_better]
    # The scores themselves are in the data table (on a page, the table beside the chart).
    desc = (
        f"Bars of {len(options)} options' scores, 1 to 5, on each of {len(groups)} criteria, "
        f"each with a whisker over its low–high range where it has one. Options by number: "
        f"{legend}." + (f" Lower is better for {', '.join(lower)}." if lower else "")
    )
    svg = _svg(cid, width, height, title, desc, "".join(out))
    table = DataTable(
        caption=title,
        columns=("Criterion", *options),
        rows=tuple(
            (
                g.criterion + (" (lower is better)" if g.lower_is_better else ""),
                *(cell_text(c) for c in g.cells[: len(options)]),
            )
            for g in groups
        ),
    )
    return Chart(cid, title, desc, svg, (table,))
