"""The marks every chart and preview image shares: a veto status's shape, colour and word, and
a stance's symbol and colour. Shapes are plain geometry, so SVG and Pillow draw the same ones.

Each status has its own shape, so it reads without colour: clear is a circle, uncertain a
diamond, blocked a cross and barred a square crossed by a bar. Charts also print the word."""

import math
from dataclasses import dataclass

from app.analysis.labels import POSITION_LABELS, POSITION_SYMBOLS
from app.dataset.vocabulary import VetoStatus

POSITION_COLOURS: dict[int | None, str] = {
    2: "#1a7f37",
    1: "#4f8a3a",
    0: "#59636e",
    -1: "#b35900",
    -2: "#c4232d",
    None: "#59636e",
}
INK = "#1f2328"
MUTED = "#59636e"
GRID = "#d1d9e0"
PAPER = "#ffffff"
ACCENT = "#0b5cad"


@dataclass(frozen=True)
class Circle:
    cx: float
    cy: float
    r: float


@dataclass(frozen=True)
class Polygon:
    points: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Piece:
    shape: Circle | Polygon
    fill: str


def status_word(status: str) -> str:
    known = VetoStatus.of(status)
    return known.label if known else status.capitalize()


def status_colour(status: str, fallback: str = INK) -> str:
    known = VetoStatus.of(status)
    return known.colour if known else fallback


def position_symbol(position: int | None) -> str:
    return POSITION_SYMBOLS[position]


def position_word(position: int | None) -> str:
    return POSITION_LABELS[position]


def _box(cx: float, cy: float, w: float, h: float) -> Polygon:
    return Polygon(((cx - w, cy - h), (cx + w, cy - h), (cx + w, cy + h), (cx - w, cy + h)))


def status_mark(status: str, cx: float, cy: float, r: float) -> tuple[Piece, ...]:
    """The shape of a status centred on (cx, cy), about 2r across, as filled pieces."""
    colour = status_colour(status)
    if status == "clear":
        return (Piece(Circle(cx, cy, r), colour),)
    if status == "uncertain":
        d = r * 1.2
        return (Piece(Polygon(((cx, cy - d), (cx + d, cy), (cx, cy + d), (cx - d, cy))), colour),)
    if status == "blocked":
        # A plus sign of arm r and half-thickness h, turned by 45 degrees.
        arm, h = r * 1.15, r * 0.36
        plus = [(h, arm), (h, h), (arm, h), (arm, -h), (h, -h), (h, -arm)]
        plus += [(-x, -y) for x, y in plus]
        c = math.sqrt(0.5)
        pts = tuple((cx + c * (x - y), cy + c * (x + y)) for x, y in plus)
        return (Piece(Polygon(pts), colour),)
    # barred, and anything unknown: a square with a white bar across it
    s = r * 0.95
    return (Piece(_box(cx, cy, s, s), colour), Piece(_box(cx, cy, s * 0.72, s * 0.22), PAPER))
