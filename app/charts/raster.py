"""Charts as PNG: the SVG that `app.charts.svg` writes, drawn again with Pillow.

Not a general SVG renderer: it draws exactly the subset the chart builders write (rect, line,
circle, polygon, text; g and a as containers; `translate(x y)` and `rotate(-90)` transforms;
fill, fill-opacity, stroke, stroke-width, stroke-dasharray, font-size, font-weight and
text-anchor, inherited from the root as SVG inherits them). Text uses the preview images' font
(`app.charts.png`: DejaVu Sans).

Pure: no FastAPI, no database, no I/O but the bytes returned."""

import io
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, replace

from PIL import Image, ImageDraw

from app.charts.marks import INK, PAPER
from app.charts.png import font, printable, stroke

NS = "{http://www.w3.org/2000/svg}"
_TRANSLATE = re.compile(r"translate\(\s*([-\d.]+)[ ,]+([-\d.]+)\s*\)")


@dataclass(frozen=True)
class _Style:
    fill: str = INK
    fill_opacity: float = 1.0
    stroke: str = "none"
    stroke_width: float = 1.0
    dash: tuple[float, ...] = ()
    font_size: float = 13.0
    bold: bool = False
    anchor: str = "start"
    dx: float = 0.0
    dy: float = 0.0


def _rgba(colour: str, opacity: float = 1.0) -> tuple[int, int, int, int] | None:
    if not colour or colour == "none":
        return None
    c = colour.lstrip("#")
    if len(c) == 3:
        c = "".join(ch * 2 for ch in c)
    return (int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16), round(255 * opacity))


def _style(el: ET.Element, parent: _Style) -> _Style:
    a = el.attrib
    s = parent
    if "fill" in a:
        s = replace(s, fill=a["fill"])
    if "fill-opacity" in a:
        s = replace(s, fill_opacity=float(a["fill-opacity"]))
    if "stroke" in a:
        s = replace(s, stroke=a["stroke"])
    if "stroke-width" in a:
        s = replace(s, stroke_width=float(a["stroke-width"]))
    if "stroke-dasharray" in a:
        s = replace(s, dash=tuple(float(v) for v in a["stroke-dasharray"].split()))
    if "font-size" in a:
        s = replace(s, font_size=float(a["font-size"]))
    if "font-weight" in a:
        s = replace(s, bold=a["font-weight"] in ("bold", "600", "700", "800", "900"))
    if "text-anchor" in a:
        s = replace(s, anchor=a["text-anchor"])
    m = _TRANSLATE.search(a.get("transform", ""))
    if m and el.tag != f"{NS}text":
        s = replace(s, dx=s.dx + float(m.group(1)), dy=s.dy + float(m.group(2)))
    return s


def _f(el: ET.Element, name: str) -> float:
    return float(el.attrib.get(name, 0))


def _dashes(
    x1: float, y1: float, x2: float, y2: float, dash: tuple[float, ...]
) -> Iterator[tuple[float, float, float, float]]:
    length = math.hypot(x2 - x1, y2 - y1)
    if not dash or length == 0:
        yield x1, y1, x2, y2
        return
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    pos, i = 0.0, 0
    while pos < length:
        step = dash[i % len(dash)]
        if i % 2 == 0:
            end = min(pos + step, length)
            yield x1 + ux * pos, y1 + uy * pos, x1 + ux * end, y1 + uy * end
        pos += step
        i += 1


class _Painter:
    def __init__(self, size: tuple[int, int], scale: float) -> None:
        self.k = scale
        # An RGB image drawn in RGBA mode: translucent fills blend with what lies under them.
        self.img = Image.new("RGB", size, PAPER)
        self.draw = ImageDraw.Draw(self.img, "RGBA")

    def xy(self, s: _Style, x: float, y: float) -> tuple[float, float]:
        return (x + s.dx) * self.k, (y + s.dy) * self.k

    def element(self, el: ET.Element, s: _Style) -> None:
        tag = el.tag.removeprefix(NS)
        if tag in ("title", "desc"):
            return
        s = _style(el, s)
        if tag in ("svg", "g", "a"):
            for child in el:
                self.element(child, s)
        elif tag == "rect":
            self.rect(el, s)
        elif tag == "line":
            self.line(el, s)
        elif tag == "circle":
            self.circle(el, s)
        elif tag == "polygon":
            self.polygon(el, s)
        elif tag == "text":
            self.text(el, s)

    def rect(self, el: ET.Element, s: _Style) -> None:
        x0, y0 = self.xy(s, _f(el, "x"), _f(el, "y"))
        x1, y1 = x0 + _f(el, "width") * self.k, y0 + _f(el, "height") * self.k
        fill = _rgba(s.fill, s.fill_opacity)
        if fill and fill[3]:
            self.draw.rectangle((x0, y0, x1, y1), fill=fill)
        outline = _rgba(s.stroke)
        if outline:
            self.draw.rectangle((x0, y0, x1, y1), outline=outline, width=self._w(s))

    def _w(self, s: _Style) -> int:
        return max(1, round(s.stroke_width * self.k))

    def line(self, el: ET.Element, s: _Style) -> None:
        colour = _rgba(s.stroke)
        if not colour:
            return
        x1, y1 = self.xy(s, _f(el, "x1"), _f(el, "y1"))
        x2, y2 = self.xy(s, _f(el, "x2"), _f(el, "y2"))
        dash = tuple(d * self.k for d in s.dash)
        for seg in _dashes(x1, y1, x2, y2, dash):
            self.draw.line(seg, fill=colour, width=self._w(s))

    def circle(self, el: ET.Element, s: _Style) -> None:
        cx, cy = self.xy(s, _f(el, "cx"), _f(el, "cy"))
        r = _f(el, "r") * self.k
        box = (cx - r, cy - r, cx + r, cy + r)
        fill, outline = _rgba(s.fill, s.fill_opacity), _rgba(s.stroke)
        self.draw.ellipse(box, fill=fill, outline=outline, width=self._w(s) if outline else 0)

    def polygon(self, el: ET.Element, s: _Style) -> None:
        nums = [float(v) for v in re.split(r"[ ,]+", el.attrib.get("points", "").strip()) if v]
        pts = [self.xy(s, nums[i], nums[i + 1]) for i in range(0, len(nums) - 1, 2)]
        fill = _rgba(s.fill, s.fill_opacity)
        if len(pts) >= 3 and fill:
            self.draw.polygon(pts, fill=fill)

    def text(self, el: ET.Element, s: _Style) -> None:
        content = printable("".join(el.itertext()))
        fill = _rgba(s.fill, s.fill_opacity)
        if not content or not fill:
            return
        size = max(1, round(s.font_size * self.k))
        face = font(size, s.bold)
        anchor = {"middle": "ms", "end": "rs"}.get(s.anchor, "ls")
        outline = stroke(s.bold)
        x, y = _f(el, "x"), _f(el, "y")

        def write(on: ImageDraw.ImageDraw, at: tuple[float, float]) -> None:
            on.text(
                at,
                content,
                font=face,
                fill=fill,
                anchor=anchor,
                stroke_width=outline,
                stroke_fill=fill,
            )

        if "rotate(-90)" not in el.attrib.get("transform", ""):
            write(self.draw, self.xy(s, x, y))
            return
        # Rotated a quarter turn anticlockwise about the origin: (x, y) lands at (y, -x).
        left, top, right, bottom = face.getbbox(content, anchor=anchor, stroke_width=outline)
        tile_size = (int(right - left) + 2, int(bottom - top) + 2)
        tile = Image.new("RGBA", tile_size, (0, 0, 0, 0))
        write(ImageDraw.Draw(tile), (-left + 1, -top + 1))
        turned = tile.rotate(90, expand=True)
        px, py = self.xy(s, y, -x)
        # The anchor point sat at (-left + 1, -top + 1) in the tile; after the turn it sits at
        # (-top + 1, tile width - (-left + 1)).
        ox = px - (-top + 1)
        oy = py - (tile.width - (-left + 1))
        self.img.paste(turned, (round(ox), round(oy)), turned)


# A backstop under the charts' own caps on rows: about 32 MB of pixels and well under a
# second to encode. The default dataset's tallest timeline is 4.5 million pixels.
MAX_PIXELS = 8_000_000


def svg_to_png(svg: str, *, scale: float = 2.0) -> bytes:
    """PNG bytes of a chart's SVG, `scale` pixels per viewBox unit, or fewer when the image
    would exceed MAX_PIXELS."""
    root = ET.fromstring(svg)
    _, _, width, height = (float(v) for v in root.attrib["viewBox"].split())
    size = (round(width * scale), round(height * scale))
    if size[0] * size[1] > MAX_PIXELS:
        scale = math.sqrt(MAX_PIXELS / (width * height))
        size = (max(1, math.floor(width * scale)), max(1, math.floor(height * scale)))
    painter = _Painter(size, scale)
    painter.element(root, _Style())
    out = io.BytesIO()
    painter.img.save(out, format="PNG")
    return out.getvalue()
