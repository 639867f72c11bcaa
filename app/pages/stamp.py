"""Stamps: a template's output rendered once with tokens where per-request values go, cut at
the tokens, then filled per request with those values, escaped as the template would have
escaped them. A weight change on the compare page fills its ranking block this way: the
block's markup is rendered once per comparison and shape (app.pages.ranking_stamp), and each
weighting costs a join instead of a render.

Pure: no FastAPI, no database."""

import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

# Letters and digits only: HTML escaping and URL quoting leave a token as it is.
TOKEN = "zqz{}zqz"
_TOKENS = re.compile(r"zqz(\d+)zqz")
_SPECIAL = re.compile("[&<>'\"]")  # what markupsafe.escape replaces


def token(n: int) -> str:
    return TOKEN.format(n)


@dataclass(frozen=True)
class Stamp:
    """Rendered markup cut at its tokens: chunks[0], then for each token the value it stands
    for and the chunk after it."""

    chunks: tuple[str, ...]
    slots: tuple[int, ...]  # the value each token stands for, by its number

    @classmethod
    def of(cls, html: str) -> "Stamp":
        parts = _TOKENS.split(html)
        return cls(tuple(parts[0::2]), tuple(int(p) for p in parts[1::2]))

    @property
    def size(self) -> int:
        """Bytes held, about."""
        return sum(sys.getsizeof(c) for c in self.chunks) + 8 * len(self.slots)

    def fill(self, values: Sequence[str]) -> Markup:
        """The markup with each token replaced by its value, escaped as `{{ value }}` prints it:
        Markup as it is, text with HTML's special characters escaped, and other text, most
        values (numbers, percentages), as it is, which escaping would leave it. Raises
        IndexError when a token has no value."""
        texts = [escape(v) if type(v) is str and _SPECIAL.search(v) else v for v in values]
        out: list[str] = [""] * (2 * len(self.slots) + 1)
        out[0::2] = self.chunks
        out[1::2] = [texts[slot] for slot in self.slots]
        return Markup("".join(out))
