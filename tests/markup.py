"""The one module of HTML helpers for tests: pages are read with a parser (BeautifulSoup over
the standard library's html.parser, CSS selectors by soupsieve), never cut with `str.split`.

Tests that check raw bytes on purpose (a string never sent, byte-identical output, escaping)
keep plain string checks and say why."""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag

Node = BeautifulSoup | Tag


def parse(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def _node(where: Node | str) -> Node:
    return parse(where) if isinstance(where, str) else where


def select(where: Node | str, css: str) -> list[Tag]:
    """Every element matching the CSS selector, in document order."""
    return list(_node(where).select(css))


def one(where: Node | str, css: str) -> Tag:
    """The only element matching the CSS selector; fails if there are none or several."""
    found = select(where, css)
    assert len(found) == 1, f"{len(found)} elements match {css!r}"
    return found[0]


def first(where: Node | str, css: str) -> Tag:
    """The first element matching the CSS selector; fails if there is none."""
    found = _node(where).select_one(css)
    assert found is not None, f"nothing matches {css!r}"
    return found


def text(where: Node | str | None, sep: str = "") -> str:
    """The visible text, whitespace collapsed to single spaces as a browser shows it; `sep`
    goes between the texts of neighbouring elements."""
    if where is None:
        return ""
    return " ".join(_node(where).get_text(sep).split())


def texts(where: Node | str, css: str) -> list[str]:
    """The text of every element matching the CSS selector."""
    return [text(t) for t in select(where, css)]


def attr(node: Tag, name: str) -> str:
    """One attribute's value (class lists joined by spaces); fails if it is missing."""
    value = node.get(name)
    assert value is not None, f"<{node.name}> has no {name}"
    return value if isinstance(value, str) else " ".join(value)


def attrs(node: Tag) -> dict[str, str]:
    """The element's attributes, class lists joined by spaces."""
    return {k: v if isinstance(v, str) else " ".join(v) for k, v in node.attrs.items()}


def table_rows(table: Tag) -> list[list[str]]:
    """The text of each row's cells (th and td), row by row."""
    return [texts(tr, ":scope > th, :scope > td") for tr in select(table, "tr")]


def links(where: Node | str) -> list[tuple[str, str]]:
    """(text, href) of every link, in document order."""
    return [(text(a), attr(a, "href")) for a in select(where, "a[href]")]


def position(node: Tag) -> tuple[int, int]:
    """Where the element starts in the source, to compare the order of two elements."""
    assert node.sourceline is not None and node.sourcepos is not None
    return node.sourceline, node.sourcepos


def in_order(where: Node | str, *css: str) -> bool:
    """Whether the first match of each selector comes after the first match of the one before."""
    doc = _node(where)
    places = [position(first(doc, c)) for c in css]
    return places == sorted(places) and len(set(places)) == len(places)


def containing(where: Node | str, words: str) -> Tag:
    """The element whose own text holds these words (the first such, in document order)."""
    found = _node(where).find(string=lambda s: s is not None and words in s)
    assert found is not None and found.parent is not None, f"no text {words!r}"
    return found.parent


# --- the explore page's result cards, read by several test files ------------------------------


def card_titles(where: Node | str) -> list[str]:
    """Option titles in the order the result cards show them."""
    return texts(where, 'h3 > a[href^="/options/"]')


def cards(html: str) -> list[str]:
    """The titles of the cards in the results list."""
    return card_titles(one(html, 'ol[class="cards"]'))


def card(html: str, slug: str) -> Tag:
    """One option's result card."""
    return one(html, f"#option-{slug}")
