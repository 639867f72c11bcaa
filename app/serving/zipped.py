"""Gzip a page whose large parts were compressed once, when they were rendered.

A compare page is some 200 KB of HTML, most of it parts that no weight changes (its table body,
sources and score charts). Compressing the whole page for every new weighting cost more than
building it. Here each part is deflated once, on its own, and kept with its HTML; a page that
contains it is gzipped by deflating only the rest and splicing the kept bytes in between.

The result is one ordinary gzip member, which every client reads: a part's deflate blocks are
byte-aligned (sync flush) and refer to nothing before it; the text after a part is deflated with
what comes before it as its dictionary, within the 32 KB window a decoder holds there: at
most eight times the text's length (a dictionary costs as much time to read as text does to
deflate, and one much longer than the text saves it next to nothing). The text is deflated by
ISA-L (`isal`), which takes some 60 % of zlib's time at its level 1 for under 0.3 % more bytes;
the parts, deflated once each, by zlib at its best.
"""

import functools
import hashlib
import struct
import sys
import zlib
from array import array
from collections.abc import Sequence
from dataclasses import dataclass

from isal import isal_zlib
from markupsafe import Markup

HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # gzip, deflate, no name, no mtime
WINDOW = 32 << 10
DICTIONARY_PER_BYTE = 8  # dictionary bytes worth reading per byte of text to deflate
STORED_UP_TO = 64  # bytes of text between two parts sent as they are (e.g. "</table></div>")
CARRY_BYTES = 4 << 10  # a part's CRC table (`Rendered.carry`)
PART_LEVEL = 9  # once per part: the smallest output is worth the time


@dataclass(frozen=True, eq=False)
class Rendered:
    """A rendered part: its HTML, and the same as UTF-8 bytes, deflated, hashed and CRC'd."""

    html: Markup
    raw: bytes
    deflated: bytes
    digest: bytes
    crc: int

    @property
    def size(self) -> int:
        """Bytes held: the text (a str of accented or typographic letters takes two or four
        bytes a letter, not its UTF-8 length), its UTF-8 and its deflated form."""
        return sys.getsizeof(self.html) + len(self.raw) + len(self.deflated) + CARRY_BYTES

    @classmethod
    def of(cls, html: str) -> "Rendered":
        raw = html.encode()
        c = zlib.compressobj(PART_LEVEL, zlib.DEFLATED, -15)
        deflated = c.compress(raw) + c.flush(zlib.Z_SYNC_FLUSH)
        digest = hashlib.blake2b(raw, digest_size=12).digest()
        return cls(Markup(html), raw, deflated, digest, zlib.crc32(raw))

    @functools.cached_property
    def carry(self) -> "array[int]":
        """See `crc_after`: made when the part is first spliced into a page, not before."""
        return _carry(self.raw)

    def crc_after(self, crc: int) -> int:
        """The CRC-32 of a text whose CRC is `crc` followed by this part: zlib.crc32(raw, crc),
        in four look-ups rather than a pass over the part."""
        t = self.carry
        return (
            self.crc
            ^ t[crc & 255]
            ^ t[256 | crc >> 8 & 255]
            ^ t[512 | crc >> 16 & 255]
            ^ t[768 | crc >> 24]
        )


def _carry(raw: bytes) -> "array[int]":
    """zlib.crc32(raw, crc) is zlib.crc32(raw) ^ M(crc), M linear in crc's bits (and given by
    the length of raw alone): M as four tables, one per byte of crc, built from its 32 bits."""
    base = zlib.crc32(raw)
    bits = [zlib.crc32(raw, 1 << i) ^ base for i in range(32)]
    table = array("I", bytes(4 * 1024))
    for byte in range(4):
        for v in range(1, 256):
            low = v & -v
            table[byte << 8 | v] = (
                table[byte << 8 | v ^ low] ^ bits[8 * byte + low.bit_length() - 1]
            )
    return table


Segment = bytes | Rendered  # a page, as the text between its parts and the parts themselves


def joined(segments: Sequence[Segment]) -> bytes:
    """The page the segments make, as one text."""
    return b"".join(s if isinstance(s, bytes) else s.raw for s in segments)


def joined_size(segments: Sequence[Segment]) -> int:
    return sum(len(s) if isinstance(s, bytes) else len(s.raw) for s in segments)


def _deflate(window: bytes, text: bytes, level: int, *, final: bool) -> bytes:
    if window:
        c = isal_zlib.compressobj(level, isal_zlib.DEFLATED, -15, zdict=window)
    else:
        c = isal_zlib.compressobj(level, isal_zlib.DEFLATED, -15)
    return c.compress(text) + c.flush(isal_zlib.Z_FINISH if final else isal_zlib.Z_SYNC_FLUSH)


def _stored(text: bytes) -> bytes:
    """`text` as one stored (uncompressed) deflate block, not the last: a compressor costs
    more to set up than the few bytes it would save on a short text."""
    return b"\x00" + struct.pack("<HH", len(text), len(text) ^ 0xFFFF) + text


def gzip_segments(segments: Sequence[Segment], level: int) -> tuple[bytes, bytes]:
    """The gzip of the page the `segments` make, end to end, and a strong tag of its content:
    each part's kept deflate copied, only the text between parts deflated here (ISA-L's
    `level`, 0 to 3)."""
    out = [HEADER]
    tag = hashlib.blake2b(digest_size=12)
    crc = size = 0
    window = b""  # the 32 KB before the text being deflated: what a decoder holds there
    last = len(segments) - 1
    for i, s in enumerate(segments):
        final = i == last  # the last text, even empty, ends the stream
        if isinstance(s, Rendered):
            out.append(s.deflated)
            tag.update(s.digest)
            raw = s.raw
            crc = s.crc_after(crc)
        elif s or final:
            if len(s) <= STORED_UP_TO and not final:
                out.append(_stored(s))
            else:
                dictionary = window[-DICTIONARY_PER_BYTE * len(s) :] if s else b""
                out.append(_deflate(dictionary, s, level, final=final))
            tag.update(s)
            raw = s
            crc = zlib.crc32(raw, crc)
        else:
            continue
        size += len(raw)
        window = raw[-WINDOW:] if len(raw) >= WINDOW else (window + raw)[-WINDOW:]
    if not isinstance(segments[last], bytes):
        out.append(_deflate(b"", b"", level, final=True))
    out.append(struct.pack("<LL", crc, size & 0xFFFFFFFF))
    return b"".join(out), tag.hexdigest().encode()
