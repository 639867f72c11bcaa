"""The one way the app tags a response and answers If-None-Match (RFC 9110).

A tag is a 96-bit BLAKE2b digest of the bytes it stands for, in hex. Pages from the page cache
carry a strong tag of their plain text, ending in -gz for the gzip body (app.serving.render);
any other successful GET gets a weak one of the bytes sent (app.web.middleware.conditional_get).
Both answer 304 by the same comparison, which is weak: W/"x" and "x" match."""

import hashlib


def digest(body: bytes) -> bytes:
    return hashlib.blake2b(body, digest_size=12).hexdigest().encode()


def strong(hexdigest: bytes, *, gzip: bool = False) -> bytes:
    return b'"' + hexdigest + (b'-gz"' if gzip else b'"')


def weak(hexdigest: bytes) -> bytes:
    return b"W/" + strong(hexdigest)


def held(if_none_match: bytes, tag: bytes) -> bool:
    """Whether the client's If-None-Match names `tag` (or `*`)."""
    mine = tag.removeprefix(b"W/")
    for t in if_none_match.split(b","):
        t = t.strip()
        if t == b"*" or t.removeprefix(b"W/") == mine:
            return True
    return False
