"""One option's scores as bars, each with its low..high range. Drawn with the shared parts in
app/charts/svg.py."""

from collections.abc import Callable, Sequence

from app.charts.marks import (
    ACCENT,
    GRID,
    INK,
    MUTED,
)
from app.charts.metrics import fit, wrap
from app.charts.svg import (
    BarRow,
    Chart,
    DataTable,
    _chart_id,
    _crowd,
    _el,
    _lines,
    _svg,
    _text,
)
from app.dataset.vocabulary import score_range


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
