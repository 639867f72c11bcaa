"""A chart made to travel: the downloaded SVG or PNG carries its own title, subtitle (the
weights and hypotheses behind it, where set), source, data date, licence and address, as a
page's figure caption and footer would, so a copy pasted elsewhere still says what it is and
where it comes from.

Pure: the chart's SVG, drawn again with a header and footer around it."""

from dataclasses import dataclass

from app.charts.marks import GRID, MUTED
from app.charts.metrics import wrap
from app.charts.svg import Chart, _el, _lines, _svg

PAD = 12
TITLE, SUBTITLE, SMALL = 17.0, 13.5, 12.5


@dataclass(frozen=True)
class Caption:
    subtitle: str  # e.g. "Weights: Deterrence 5 (default 3). Hypothesis: Hungary neutral."
    source: str  # who made it, from what
    data_date: str  # e.g. "facts as of 5 July 2026, dataset revision 3"
    licence: str
    address: str  # the page the chart belongs to

    @property
    def footer(self) -> tuple[str, ...]:
        return (
            f"Source: {self.source}",
            f"Data: {self.data_date} · Licence: {self.licence}",
            self.address,
        )


def _width_height(svg: str) -> tuple[float, float]:
    box = svg[svg.index('viewBox="') + 9 :].split('"', 1)[0].split()
    return float(box[2]), float(box[3])


def with_caption(chart: Chart, caption: Caption) -> Chart:
    """The chart with its title and subtitle above it and its credits below."""
    width, height = _width_height(chart.svg)
    inner = width - 2 * PAD
    # Everything the chart drew after its title and description, moved down under the header.
    body = chart.svg[chart.svg.index("</desc>") + len("</desc>") : -len("</svg>")]
    title = wrap(chart.title, TITLE, inner, 3, bold=True)
    subtitle = wrap(caption.subtitle, SUBTITLE, inner, 4) if caption.subtitle else []
    head = [_lines(PAD, PAD - 4, title, TITLE, font_weight=700)]
    y = PAD + TITLE * 1.2 * len(title)
    if subtitle:
        head.append(_lines(PAD, y - 2, subtitle, SUBTITLE, fill=MUTED))
        y += SUBTITLE * 1.2 * len(subtitle)
    top = y + 10
    foot_top = top + height + 8
    foot = [_el("line", x1=PAD, y1=foot_top, x2=width - PAD, y2=foot_top, stroke=GRID)]
    y = foot_top + 2
    for line in caption.footer:
        wrapped = wrap(line, SMALL, inner, 2)
        foot.append(_lines(PAD, y, wrapped, SMALL, fill=MUTED))
        y += SMALL * 1.2 * len(wrapped)
    svg = _svg(
        chart.id,
        width,
        y + PAD,
        chart.title,
        chart.description,
        "".join(head) + _el("g", body, transform=f"translate(0 {top:.1f})") + "".join(foot),
    )
    return Chart(chart.id, chart.title, chart.description, svg, chart.tables)
