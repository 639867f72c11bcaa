"""The one module of test helpers, in three parts:
- the test data and loading it (the fixtures in conftest.py build on these);
- reading pages: HTML is read with a parser (BeautifulSoup over the standard library's
  html.parser, CSS selectors by soupsieve), never cut with `str.split` (tests/test_test_style.py
  keeps it so). Tests that check raw bytes on purpose (a string never sent, byte-identical
  output, escaping) keep plain string checks and say why;
- the editors' tests: accounts made through app.editing.accounts (as the CLI makes them),
  signing in through the real sign-in form, API tokens."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import sqlalchemy as sa
from bs4 import BeautifulSoup, Tag
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func
from sqlmodel import select as sql_select

from app.config import DEFAULT_DATASET
from app.dataset.check import load_dataset
from app.editing import accounts
from app.store import models as m
from app.store.load import import_dataset

# --- the test data, and loading it ------------------------------------------------------------

DATA = Path(__file__).parent / "data"
CYCLE = DATA / "cycle-lanes.yaml"
FLOOD = DATA / "flood-defences.yaml"  # every veto status, joint statements, seat votes
_template_db: dict[str, bytes] = {}
_loaded_db: dict[Path, tuple[bytes, int]] = {}  # a bundled dataset loaded into a fresh file
PUBLIC_ADDRESS = "93.184.215.14"  # example.org's: globally routable
TEST_DATABASE = os.environ.get("APP_TEST_DATABASE", "sqlite")
ON_POSTGRESQL = TEST_DATABASE.startswith("postgresql")
PG_TEMPLATE = "explorer_migrated"
_databases = itertools.count()


def pg_database(admin: sa.Engine, template: str | None = None) -> tuple[str, str]:
    """Create a fresh database (a copy of `template` if given): its name and URL."""
    name = f"test_{os.getpid()}_{next(_databases)}"
    with admin.connect() as conn:
        conn.exec_driver_sql(
            f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else "")
        )
    return name, admin.url.set(database=name).render_as_string(hide_password=False)


def pg_drop(admin: sa.Engine, name: str) -> None:
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def load(engine: Engine, path: Path) -> int:
    """Load a dataset file. On SQLite, a bundled dataset loaded into a fresh database is copied
    from the first such load of the session: the same bytes, a fraction of the time."""
    db = Path(engine.url.database or "") if engine.url.get_backend_name() == "sqlite" else None
    fresh = (
        db is not None
        and path in (CYCLE, FLOOD, DEFAULT_DATASET)
        and not db.with_name(db.name + "-wal").exists()
        and db.read_bytes() == _template_db.get("db")
    )
    if fresh and path in _loaded_db:
        engine.dispose()
        data, revision = _loaded_db[path]
        db.write_bytes(data)
        return revision
    with Session(engine) as session:
        revision = import_dataset(session, load_dataset(path)).revision
    if fresh:
        engine.dispose()  # closing the last connection checkpoints the WAL into the file
        if not db.with_name(db.name + "-wal").exists():
            _loaded_db[path] = (db.read_bytes(), revision)
    return revision


def permalink_code(location: str) -> str:
    """The code at the end of a permanent link's address (/c/{code})."""
    return location.rsplit("/", 1)[1]


# --- reading pages ----------------------------------------------------------------------------

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


# --- the editors' tests -------------------------------------------------------------------------

PASSWORD = "correct horse battery"


def add_user(engine: Engine, name: str, role: str) -> None:
    with Session(engine) as s:
        accounts.add_user(s, name, role, PASSWORD, by="test", client="test")


def token(engine: Engine, name: str) -> dict[str, str]:
    with Session(engine) as s:
        return {"Authorization": f"Bearer {accounts.create_token(s, name, by='test', client='t')}"}


def form_csrf(html: str) -> str:
    found = select(html, 'input[name="csrf"][value]')
    assert found, "the page has no CSRF field"
    return attr(found[0], "value")


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Sign in through /login; the session's CSRF token (from the review page)."""
    page = client.get("/login")
    r = client.post(
        "/login",
        data={"name": name, "password": password, "csrf": form_csrf(page.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return form_csrf(client.get("/review").text)


def count(engine: Engine, table: type[m.SQLModel]) -> int:
    with Session(engine) as s:
        return int(s.exec(sql_select(func.count()).select_from(table)).one())


def revisions(engine: Engine) -> int:
    with Session(engine) as s:
        return int(s.exec(sql_select(func.max(col(m.Revision.id)))).one() or 0)


def audit_actions(engine: Engine) -> list[tuple[str, str]]:
    with Session(engine) as s:
        rows = s.exec(sql_select(m.AuditEvent).order_by(col(m.AuditEvent.id))).all()
        return [(e.actor, e.action) for e in rows]
