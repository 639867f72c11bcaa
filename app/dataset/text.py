"""Which characters dataset text may hold, and how XML writers keep out those XML cannot.

`text_problem` is the one rule for text that enters the dataset (`explorer check`, `explorer
load --note`, and any future edit path). `xml_text` is the writers' defence in depth: whatever
reaches an SVG chart or the Atom feed comes out as characters XML 1.0 allows."""

import re

# Control characters but TAB, LF and CR (C0, DEL, C1): invisible, and C0 ones are not allowed
# in XML 1.0 at all, so one in a title broke every chart and the feed. Text copied from PDFs
# brings form feeds (\x0c) and vertical tabs (\x0b). Also lone surrogates (what YAML's
# "\ud83d\ude00" escape gives: UTF-8 cannot encode it) and U+FFFE/U+FFFF (not characters).
_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"


def text_problem(text: str) -> str | None:
    """Why `text` may not be dataset text, or None when it may."""
    m = _REFUSED.search(text)
    if m is None:
        return None
    ch = m.group()
    what = "a NUL character (\\0)" if ch == "\x00" else f"the control character U+{ord(ch):04X}"
    if "\ud800" <= ch <= "\udfff":
        what = f"a lone surrogate U+{ord(ch):04X} (write the character itself, not its escape)"
    elif ch in "\ufffe\uffff":
        what = f"the non-character U+{ord(ch):04X}"
    return f"contains {what} at position {m.start() + 1}; remove it or use a space"


def xml_text(text: str) -> str:
    """`text` with every character XML 1.0 cannot carry (and DEL, C1) replaced by U+FFFD."""
    return _REFUSED.sub(REPLACEMENT, text)
