"""The overview chart: options placed on two criteria, each marked with its veto status; and
its compact twin for phones. Drawn with the shared parts in app/charts/svg.py."""

from collections.abc import Mapping, Sequence

from app.charts.marks import (
    MUTED,
    PAPER,
    status_colour,
    status_word,
)
from app.charts.metrics import fit, wrap
from app.charts.svg import (
    Chart,
    DataTable,
    ScatterPoint,
    _chart_id,
    _count_words,
    _crowd,
    _el,
    _esc,
    _frame,
    _lines,
    _mark,
    _Plot,
    _scale_text,
    _status_legend,
    _svg,
    _text,
)
from app.dataset.vocabulary import VetoStatus

# Options drawn in one cell of the scatter; the rest are counted ("and 12 more"), so a cell
# does not grow with the data. The table under the chart lists every option.
MAX_STACK = 6
MAX_STACK_COMPACT = 8
LABEL_LINES = 8  # a title longer than this is cut with an ellipsis: a last resort


def _crowded(cells: Mapping[tuple[int, int], Sequence[object]], limit: int) -> str:
    hidden = sum(len(c) - len(_crowd(c, limit)[0]) for c in cells.values())
    return f" {hidden:,} options in crowded cells are counted, not drawn." if hidden else ""


def _placed(points: Sequence[ScatterPoint]) -> int:
    return sum(1 for p in points if p.x is not None and p.y is not None)


def _status_counts(points: Sequence[ScatterPoint]) -> str:
    """ "2 clear, 1 blocked" over the options placed on the chart."""
    placed = [p for p in points if p.x is not None and p.y is not None]
    return _count_words({s: sum(1 for p in placed if p.status == s) for s in VetoStatus})


def _entry(
    p: ScatterPoint,
    name: str,
    box: tuple[float, float, float, float],
    lines: Sequence[str],
    size: float,
    line: float,
) -> str:
    """One option in its cell: a link named `name` over its mark, title and status word."""
    cell_left, by, cell_w, height = box
    body = _el("title", _esc(name))
    body += _el(
        "rect", x=cell_left + 2, y=by, width=cell_w - 4, height=height, fill=PAPER, fill_opacity=0
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
    return _el("a", body, href=p.href)


def _table(
    title: str,
    points: Sequence[ScatterPoint],
    axes: tuple[str, str],
    scales: tuple[Mapping[int, str], Mapping[int, str]],
) -> DataTable:
    """Every option, placed or not, with both scores in words and its veto status."""
    return DataTable(
        caption=title,
        columns=("Option", *axes, "Veto status"),
        rows=tuple(
            (
                p.title,
                _scale_text(p.x, scales[0]),
                _scale_text(p.y, scales[1]),
                status_word(p.status),
            )
            for p in points
        ),
        links=tuple(p.href for p in points),
    )


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
    # long: one drawing, top to bottom (layout, frame, stacked cells, description); its entries and
    # table are drawn apart
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
    grid = _frame(plot, x_ticks, y_ticks, (x_label, y_label), 14, (20, 50, 22))
    grid.append(_text(left, 30, "Veto status:", font_size=12, font_weight=600))
    grid.append(_status_legend(left + 90, 30, width - right).svg)

    links = []
    for (x, y), crowd in sorted(cells.items()):
        cell_left = left + (x - 1) * cell_w
        group, more = _crowd(crowd, MAX_STACK)
        by = plot.row_top(5 - y) + (rows[5 - y] - stack_h(crowd)) / 2
        for p in group:
            name = (
                f"{p.title}: {status_word(p.status)}; {x_label} "
                f"{_scale_text(p.x, x_scale_labels)}, {y_label} {_scale_text(p.y, y_scale_labels)}"
            )
            box = (cell_left, by, cell_w, block(p))
            links.append(_entry(p, name, box, labels[id(p)], size, line))
            by += block(p)
        if more:
            text = f"and {more:,} more"
            links.append(_text(cell_left + 29, by + size + 2, text, font_size=12, fill=MUTED))

    desc = (
        f"{_placed(points)} options placed by {x_label} (across, 1 to 5) and {y_label} "
        f"(up, 1 to 5), each marked by its veto status: {_status_counts(points)}."
    )
    missing = [p.title for p in points if p.x is None or p.y is None]
    if missing:
        desc += f" Not shown, for want of a score: {', '.join(missing)}."
    desc += _crowded(cells, MAX_STACK)
    decoration = _el("g", "".join(grid), aria_hidden="true")
    svg = _svg(cid, width, height, title, desc, decoration + "".join(links), role="group")
    table = _table(title, points, (x_label, y_label), (x_scale_labels, y_scale_labels))
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
    # long: one drawing, top to bottom (layout, frame, numbered marks, description), as scatter()
    # is
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

    desc = (
        f"{_placed(points)} options placed by {x_label} (across, 1 to 5) and {y_label} "
        f"(up, 1 to 5), each marked by its veto status and numbered as in the list: "
        f"{_status_counts(points)}."
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
