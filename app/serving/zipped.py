"""Gzip a page whose large parts were compressed once, when they were rendered.

A compare page is some 200 KB of HTML, most of it parts that no weight changes (its table body,
sources and score charts). Compressing the whole page for every new weighting cost more than
building it. Here each part is deflated once, on its own, and kept with its HTML; a page that
contains it is gzipped by deflating only the rest and splicing the kept bytes in between.

The result is one ordinary gzip member, which every client reads: a part's deflate blocks are
byte-aligned (sync flush) and refer to nothing before it; the text after a part is deflated with
the 32 KB before it as its dictionary, which is exactly the window a decoder holds there.
"""

import hashlib
import struct
import sys
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # gzip, deflate, no name, no mtime
WINDOW = 32 << 10
PART_LEVEL = 9  # once per part: the smallest output is worth the time


@dataclass(frozen=True, eq=False)
class Rendered:
    """A rendered part: its HTML, and the same as UTF-8 bytes, deflated, and hashed."""

    html: Markup
    raw: bytes
    deflated: bytes
    digest: bytes

    @property
    def size(self) -> int:
        """Bytes held: the text (a str of accented or typographic letters takes two or four
        bytes a letter, not its UTF-8 length), its UTF-8 and its deflated form."""
        return sys.getsizeof(self.html) + len(self.raw) + len(self.deflated)

    @classmethod
    def of(cls, html: str) -> "Rendered":
        raw = html.encode()
        c = zlib.compressobj(PART_LEVEL, zlib.DEFLATED, -15)
        deflated = c.compress(raw) + c.flush(zlib.Z_SYNC_FLUSH)
        digest = hashlib.blake2b(raw, digest_size=12).digest()
        return cls(Markup(html), raw, deflated, digest)


def _deflate(body: bytes, start: int, end: int, level: int, *, final: bool) -> bytes:
    window = body[max(0, start - WINDOW) : start]
    if window:
        c = zlib.compressobj(level, zlib.DEFLATED, -15, zdict=window)
    else:
        c = zlib.compressobj(level, zlib.DEFLATED, -15)
    return c.compress(body[start:end]) + c.flush(zlib.Z_FINISH if final else zlib.Z_SYNC_FLUSH)


def _find(body: bytes, raw: bytes) -> int:
    """Where `raw` starts in `body`, or -1: found by a short prefix, then compared whole (a
    search for the whole 150 KB part costs ten times as much)."""
    head = raw[:64]
    at = body.find(head)
    while at >= 0 and not body.startswith(raw, at):
        at = body.find(head, at + 1)
    return at


def gzip_with_parts(
    body: bytes, parts: Sequence[Rendered], level: int
) -> tuple[bytes, bytes] | None:
    """The gzip of `body` and a strong tag of its content, reusing the deflated `parts` found
    in it; None when a part is missing (the caller then compresses the whole body)."""
    found = sorted({(_find(body, p.raw), id(p)): p for p in parts}.items())
    out = [HEADER]
    tag = hashlib.blake2b(digest_size=12)
    pos = 0
    for (at, _), p in found:
        if at < pos:  # missing (-1), or overlapping the one before
            return None
        if at > pos:
            out.append(_deflate(body, pos, at, level, final=False))
            tag.update(body[pos:at])
        out.append(p.deflated)
        tag.update(p.digest)
        pos = at + len(p.raw)
    out.append(_deflate(body, pos, len(body), level, final=True))
    tag.update(body[pos:])
    out.append(struct.pack("<LL", zlib.crc32(body), len(body) & 0xFFFFFFFF))
    return b"".join(out), tag.hexdigest().encode()
