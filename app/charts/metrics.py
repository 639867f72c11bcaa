"""Text widths without a font file: the advance widths of DejaVu Sans, the widest of the sans
serifs a `system-ui` font stack falls back to, so a label measured here fits in any of them.

Pure: used to cut and wrap labels in SVG charts, where the browser picks the font."""

import functools
import unicodedata
from collections.abc import Callable

# Advance widths in thousandths of an em for the printable ASCII characters 32..126.
_REGULAR = (
    318,
    401,
    460,
    838,
    636,
    950,
    780,
    275,
    390,
    390,
    500,
    838,
    318,
    361,
    318,
    337,
    636,
    636,
    636,
    636,
    636,
    636,
    636,
    636,
    636,
    636,
    337,
    337,
    838,
    838,
    838,
    531,
    1000,
    684,
    686,
    698,
    770,
    632,
    575,
    775,
    752,
    295,
    295,
    656,
    557,
    863,
    748,
    787,
    603,
    787,
    695,
    635,
    611,
    732,
    684,
    989,
    685,
    611,
    685,
    390,
    337,
    390,
    838,
    500,
    500,
    613,
    635,
    550,
    635,
    615,
    352,
    635,
    634,
    278,
    278,
    579,
    278,
    974,
    634,
    612,
    635,
    635,
    411,
    521,
    392,
    634,
    592,
    818,
    592,
    592,
    525,
    636,
    337,
    636,
    838,
)
_BOLD = (
    348,
    456,
    521,
    838,
    696,
    1002,
    872,
    306,
    457,
    457,
    523,
    838,
    380,
    415,
    380,
    365,
    696,
    696,
    696,
    696,
    696,
    696,
    696,
    696,
    696,
    696,
    400,
    400,
    838,
    838,
    838,
    580,
    1000,
    774,
    762,
    734,
    830,
    683,
    683,
    821,
    837,
    372,
    372,
    775,
    637,
    995,
    837,
    850,
    733,
    850,
    770,
    720,
    682,
    812,
    774,
    1103,
    771,
    724,
    725,
    457,
    365,
    457,
    838,
    500,
    500,
    675,
    716,
    593,
    716,
    678,
    435,
    716,
    712,
    343,
    343,
    665,
    343,
    1042,
    712,
    687,
    716,
    716,
    493,
    595,
    478,
    712,
    652,
    924,
    645,
    652,
    582,
    712,
    365,
    712,
    838,
)
# A few characters outside ASCII that labels use: (regular, bold).
_MORE = {
    "…": (1000, 1000),
    "·": (318, 380),
    "–": (500, 500),
    "—": (1000, 1000),
    "−": (838, 838),
    "‘": (318, 380),
    "’": (318, 380),
    "“": (518, 657),
    "”": (518, 657),
    "→": (838, 838),
}
_UNKNOWN = 1000  # anything else: a full em, to be safe


@functools.cache
def _advance(ch: str, bold: bool) -> int:
    code = ord(ch)
    if 32 <= code <= 126:
        return (_BOLD if bold else _REGULAR)[code - 32]
    if ch in _MORE:
        return _MORE[ch][bold]
    base = unicodedata.normalize("NFD", ch)[0]  # é -> e
    if base != ch:
        return _advance(base, bold)
    return _UNKNOWN


@functools.lru_cache(maxsize=4096)  # charts measure the same titles and labels again and again
def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The width of `text` at font size `size`, at most what common sans serifs need."""
    return sum(_advance(ch, bold) for ch in text) * size / 1000


Measure = Callable[[str], float]


def fit_by(text: str, width: float, measure: Measure) -> str:
    """`text`, cut with an ellipsis (at a word boundary when one is near) so that
    `measure(result) <= width`."""
    # No glyph is narrower than a quarter unit, so no more than this fits; measuring all of
    # a 50,000-character title took the better part of a second.
    longest = int(4 * width) + 8
    clipped = len(text) > longest
    text = text[:longest]
    if not clipped and measure(text) <= width:
        return text
    # The longest prefix that fits with its ellipsis; widths grow with length, so a binary
    # search finds it in a few measures rather than one per character.
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if measure(text[:mid] + "…") <= width:
            lo = mid
        else:
            hi = mid - 1
    cut = text[:lo]
    space = cut.rfind(" ")
    if space >= 0.6 * len(cut):
        cut = cut[:space]
    return cut.rstrip(" ,;:–-") + "…"


def wrap_by(text: str, width: float, lines: int, measure: Measure) -> list[str]:
    """`text` broken at spaces into at most `lines` lines no wider than `width`; the last
    line that cannot hold the rest ends with an ellipsis. A word too long for a line is cut."""
    words = text.split()
    out: list[str] = []
    while words and len(out) < lines:
        line = words.pop(0)
        while words and measure(f"{line} {words[0]}") <= width:
            line += " " + words.pop(0)
        if len(out) == lines - 1 and words:
            line = f"{line} {' '.join(words)}"
            words = []
        out.append(fit_by(line, width, measure))
    return out


@functools.lru_cache(maxsize=1024)
def fit(text: str, size: float, width: float, *, bold: bool = False) -> str:
    """`fit_by` with the estimated width of a system sans serif at `size`."""
    return fit_by(text, width, lambda t: text_width(t, size, bold=bold))


def wrap(text: str, size: float, width: float, lines: int, *, bold: bool = False) -> list[str]:
    """`wrap_by` with the estimated width of a system sans serif at `size`."""
    return wrap_by(text, width, lines, lambda t: text_width(t, size, bold=bold))
