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

    def fill(self, values: Sequence[str | Markup]) -> Markup:
        """The markup with each token replaced by its value, escaped unless it is Markup (as
        `{{ value }}` prints it). Raises IndexError when a token has no value."""
        out = [self.chunks[0]]
        for slot, chunk in zip(self.slots, self.chunks[1:], strict=True):
            out.append(escape(values[slot]))
            out.append(chunk)
        return Markup("".join(out))
