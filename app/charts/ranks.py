"""The chance of each rank, one stacked bar per option. Drawn with the shared parts in
app/charts/svg.py."""

import functools
from collections.abc import Mapping, Sequence

from app.analysis.ranks import RankChances, percent
from app.charts.marks import (
    INK,
    MUTED,
    PAPER,
)
from app.charts.metrics import fit, text_width
from app.charts.svg import (
    Chart,
    DataTable,
    RankRow,
    _chart_id,
    _crowd,
    _el,
    _num,
    _svg,
    _text,
)


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
def rank_fills(n: int) -> tuple[str, ...]:
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
    fills = rank_fills(n)
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
    # long: one drawing, top to bottom (layout, a stacked bar per option, legend, description)
    cid = chart_id or _chart_id("ranks", (rows, method, width))
    title = "Chance of each rank"
    n = max((len(r.chances) for r in rows), default=0)
    fills = rank_fills(n)
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
