"""Link preview images (Open Graph, 1200x630 PNG) drawn with Pillow on the server.

Text uses DejaVu Sans (Debian's package fonts-dejavu-core, which `make install` installs),
a free font with every letter and arrow of the dataset ("Türkiye", "→"). Where it is missing,
Pillow's own font (Aileron, ASCII and a little punctuation) stands in, and other characters are
written the nearest way it can (an accented e as e, an arrow as "->"), what has no such form as
"?". The page itself keeps the original text; the preview is a picture of it.

`OptionCard(...).png()` and `ComparisonCard(...).png()` give the bytes. Each card is first
laid out as a list of drawing operations (`.layout()`, a `Card`), then rendered, so tests
and callers can inspect every text's position, size and wrapped lines. The cards are frozen
and hashable: with the dataset revision in `footer`, a card is its own cache key.
"""

import io
import unicodedata
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from app.charts.marks import (
    ACCENT,
    GRID,
    INK,
    MUTED,
    PAPER,
    Circle,
    status_colour,
    status_mark,
    status_word,
)
from app.charts.metrics import Measure, wrap_by
from app.charts.svg import BarRow
from app.dataset.vocabulary import score_range

WIDTH, HEIGHT = 1200, 630
MARGIN = 64
RIGHT = WIDTH - MARGIN

_SPELLED = {
    "–": "-",
    "—": "-",
    "−": "-",
    "‐": "-",
    "×": "x",
    "\u00a0": " ",
    "\u202f": " ",
    "ł": "l",
    "Ł": "L",
    "ø": "o",
    "Ø": "O",
    "ß": "ss",
    "æ": "ae",
    "Æ": "AE",
    "œ": "oe",
    "Œ": "OE",
    "đ": "d",
    "Đ": "D",
    "ı": "i",
    "→": "->",
    "€": "EUR",
}


@dataclass(frozen=True)
class RankedOption:
    title: str
    score: Fraction | float | None  # weighted score, 1..5; None when not ranked
    status: str  # clear / uncertain / blocked / barred
    rank: int | None = None


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # top of the line box
    text: str
    size: int
    fill: str = INK
    bold: bool = False


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float
    fill: str


@dataclass(frozen=True)
class Mark:
    status: str
    cx: float
    cy: float
    r: float


Op = Text | Box | Mark


@dataclass(frozen=True)
class Card:
    ops: tuple[Op, ...]

    @property
    def texts(self) -> tuple[Text, ...]:
        return tuple(op for op in self.ops if isinstance(op, Text))


# Where Debian, Ubuntu, Fedora and Homebrew put DejaVu Sans.
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu-sans-fonts"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts/dejavu"),
    Path("/opt/homebrew/share/fonts/dejavu"),
)
FACES = {False: "DejaVuSans.ttf", True: "DejaVuSans-Bold.ttf"}


@cache
def font_file(bold: bool = False) -> Path | None:
    """DejaVu Sans (bold or regular), if the system has it."""
    return next((d / FACES[bold] for d in FONT_DIRS if (d / FACES[bold]).is_file()), None)


@cache
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = font_file(bold)
    if path is not None:
        # The basic layout: no shaping library, so hostile text (bidi controls, lone
        # combining marks) cannot fail a layout, and the bytes do not depend on libraqm.
        return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC)
    return ImageFont.load_default(size=size)


def stroke(bold: bool) -> int:
    """Pillow's own font has no bold face: bold text is drawn with a 1 px outline instead."""
    return 1 if bold and font_file(True) is None else 0


@cache
def _missing_glyph(size: int) -> bytes:
    return bytes(font(size).getmask("\uffff"))


@cache
def _has_glyph(ch: str) -> bool:
    return ch == " " or bytes(font(40).getmask(ch)) != _missing_glyph(40)


def printable(text: str) -> str:
    """`text` in the characters the bundled font can draw."""
    out = []
    for ch in text:
        if _has_glyph(ch):
            out.append(ch)
        elif ch in _SPELLED:
            out.append(_SPELLED[ch])
        else:
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if _has_glyph(c))
            out.append(base or "?")
    return "".join(out)


def text_length(text: str, size: int, *, bold: bool = False) -> float:
    """How far right of its origin `text` inks, the stroke of bold text included."""
    return float(font(size, bold).getbbox(text, stroke_width=stroke(bold))[2]) if text else 0.0


def _measure(size: int, bold: bool = False) -> Measure:
    return lambda t: text_length(t, size, bold=bold)


def _lines(
    ops: list[Op],
    x: float,
    y: float,
    text: str,
    size: int,
    width: float,
    lines: int,
    *,
    fill: str = INK,
    bold: bool = False,
    leading: float = 1.2,
) -> float:
    """Wrapped text from (x, y); returns the y below it."""
    for line in wrap_by(printable(text), width, lines, _measure(size, bold)):
        ops.append(Text(x, y, line, size, fill, bold))
        y += size * leading
    return y


def _header(ops: list[Op], colour: str, dossier_title: str) -> float:
    ops.append(Box(0, 0, WIDTH, 14, colour))
    _lines(ops, MARGIN, 40, dossier_title, 26, RIGHT - MARGIN, 1, fill=MUTED)
    return 88


FOOTER_TOP = HEIGHT - 74  # the rule above the credits: source, data date, licence; address


def _footer(ops: list[Op], footer: str, address: str = "") -> None:
    if footer:
        ops.append(Box(MARGIN, FOOTER_TOP, RIGHT, FOOTER_TOP + 1, GRID))
        if address:  # drawn first, so the footer line stays the last text
            _lines(ops, MARGIN, HEIGHT - 32, address, 18, RIGHT - MARGIN, 1, fill=MUTED)
        _lines(ops, MARGIN, FOOTER_TOP + 12, footer, 20, RIGHT - MARGIN, 1, fill=MUTED)


def _status(ops: list[Op], x: float, y: float, status: str, size: int) -> None:
    """The status's mark and word from (x, y)."""
    r = size * 0.42
    ops.append(Mark(status, x + r, y + size * 0.55, r))
    colour = status_colour(status)
    _lines(
        ops, x + 2 * r + size * 0.4, y, status_word(status), size, 400, 1, fill=colour, bold=True
    )


def _score_bar(ops: list[Op], x: float, y: float, width: float, row: BarRow, size: int) -> None:
    """A criterion's name, then a 1..5 track with the score and its range, then the figure."""
    track_w, figure_w = 150, 28
    label_w = width - track_w - figure_w - 24
    name = f"{row.criterion} (lower is better)" if row.lower_is_better else row.criterion
    _lines(ops, x, y, name, size, label_w, 1)
    tx = x + label_w + 12
    mid = y + size * 0.6
    ops.append(Box(tx, mid - 6, tx + track_w, mid + 6, GRID))
    if row.score is None:
        _lines(ops, tx + track_w + 12, y, "-", size, figure_w, 1, fill=MUTED)
        return
    ops.append(Box(tx, mid - 6, tx + track_w * row.score / 5, mid + 6, ACCENT))
    low, high = score_range(row.score, row.low, row.high)
    if low != high:
        ops.append(Box(tx + track_w * low / 5, mid - 1.5, tx + track_w * high / 5, mid + 1.5, INK))
        for end in (low, high):
            ex = tx + track_w * end / 5
            ops.append(Box(ex - 1.5, mid - 10, ex + 1.5, mid + 10, INK))
    _lines(ops, tx + track_w + 12, y, str(row.score), size, figure_w, 1)


class _Preview:
    def layout(self) -> Card:
        raise NotImplementedError

    def png(self) -> bytes:
        """1200x630 PNG bytes."""
        return render(self.layout())


@dataclass(frozen=True)
class OptionCard(_Preview):
    """One option's preview: dossier, option title (two lines at most), the status's shape
    and word, the verdict under it (e.g. "Blocked: Hungary and Slovakia (NATO unanimity)",
    two lines at most) and up to six scores as small bars. Hashable: a cache key as it is."""

    dossier_title: str
    option_title: str
    status: str  # clear / uncertain / blocked / barred
    verdict: str
    scores: tuple[BarRow, ...] = ()
    footer: str = ""  # e.g. "Policy Option Explorer · as of 8 January 2026 · revision 12"
    address: str = ""  # the page it previews

    def layout(self) -> Card:
        ops: list[Op] = []
        y = _header(ops, status_colour(self.status, ACCENT), self.dossier_title)
        y = _lines(
            ops, MARGIN, y, self.option_title, 54, RIGHT - MARGIN, 2, bold=True, leading=1.15
        )
        y += 18
        _status(ops, MARGIN, y, self.status, 40)
        y += 58
        # The status word stands above, so "Blocked: Hungary ..." says "Hungary ..." under it.
        verdict = self.verdict.removeprefix(f"{status_word(self.status)}:").strip()
        y = _lines(ops, MARGIN, y, verdict, 30, RIGHT - MARGIN, 2)
        scores = self.scores
        if scores:
            shown = list(scores[:6]) if len(scores) <= 6 else list(scores[:5])
            top = max(y + 20, FOOTER_TOP - 18 - 46 * ((len(shown) + 1) // 2) - 10)
            col_w = (RIGHT - MARGIN - 40) / 2
            for i, row in enumerate(shown):
                cx = MARGIN + (i % 2) * (col_w + 40)
                _score_bar(ops, cx, top + 46 * (i // 2), col_w, row, 22)
            if len(scores) > len(shown):
                i = len(shown)
                cx = MARGIN + (i % 2) * (col_w + 40)
                more = f"+ {len(scores) - len(shown)} more criteria"
                _lines(ops, cx, top + 46 * (i // 2), more, 22, col_w, 1, fill=MUTED)
        _footer(ops, self.footer, self.address)
        return Card(tuple(ops))


@dataclass(frozen=True)
class ComparisonCard(_Preview):
    """A comparison's preview: dossier, heading (two lines at most), then the ranking, best
    first: rank, title, weighted score with a bar, and veto status as shape and word. Rows
    that do not fit are counted in a last line. Hashable: a cache key as it is."""

    dossier_title: str
    heading: str
    rows: tuple[RankedOption, ...]
    footer: str = ""
    address: str = ""
    subtitle: str = ""  # the weights and hypotheses, where set

    def layout(self) -> Card:
        ops: list[Op] = []
        y = _header(ops, ACCENT, self.dossier_title)
        y = (
            _lines(ops, MARGIN, y, self.heading, 44, RIGHT - MARGIN, 2, bold=True, leading=1.15)
            + 14
        )
        if self.subtitle:
            y = _lines(ops, MARGIN, y - 6, self.subtitle, 22, RIGHT - MARGIN, 1, fill=MUTED) + 8
        rows = self.rows
        row_h, bottom = 56, (FOOTER_TOP - 6 if self.footer else HEIGHT - 24)
        fits = int((bottom - y) // row_h)
        shown = list(rows) if len(rows) <= fits else list(rows[: max(fits - 1, 0)])
        status_x, bar_w, score_w = RIGHT - 250, 150, 70
        bar_x = status_x - 24 - bar_w
        score_x = bar_x - 12 - score_w
        title_x = MARGIN + 56
        for row in shown:
            ops.append(Box(MARGIN, y + row_h - 1, RIGHT, y + row_h, GRID))
            rank = "-" if row.rank is None else str(row.rank)
            _lines(ops, MARGIN, y + 10, rank, 32, 48, 1, bold=True)
            _lines(ops, title_x, y + 12, row.title, 30, score_x - 16 - title_x, 1)
            mid = y + 28
            ops.append(Box(bar_x, mid - 7, bar_x + bar_w, mid + 7, GRID))
            if row.score is not None:
                score = float(row.score)
                _lines(ops, score_x, y + 12, f"{score:.1f}", 30, score_w, 1)
                ops.append(Box(bar_x, mid - 7, bar_x + bar_w * score / 5, mid + 7, ACCENT))
            _status(ops, status_x, y + 14, row.status, 28)
            y += row_h
        if len(shown) < len(rows):
            more = f"+ {len(rows) - len(shown)} more options"
            _lines(ops, title_x, y + 12, more, 26, RIGHT - title_x, 1, fill=MUTED)
        _footer(ops, self.footer, self.address)
        return Card(tuple(ops))


def render(card: Card) -> bytes:
    """The card as PNG bytes, 1200x630."""
    img = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(img)
    for op in card.ops:
        if isinstance(op, Box):
            draw.rectangle((op.x0, op.y0, op.x1, op.y1), fill=op.fill)
        elif isinstance(op, Mark):
            for piece in status_mark(op.status, op.cx, op.cy, op.r):
                s = piece.shape
                if isinstance(s, Circle):
                    draw.ellipse((s.cx - s.r, s.cy - s.r, s.cx + s.r, s.cy + s.r), fill=piece.fill)
                else:
                    draw.polygon(list(s.points), fill=piece.fill)
        else:
            draw.text(
                (op.x, op.y),
                op.text,
                font=font(op.size, op.bold),
                fill=op.fill,
                stroke_width=stroke(op.bold),
                stroke_fill=op.fill,
            )
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()
