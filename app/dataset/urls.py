"""The one builder of entity paths: where an option, a stakeholder, a source or a permanent link
lives on the site. Pages, their JSON twins, the analysis (a claim's link) and the error pages'
suggestions all ask here, so a path is spelled once. A query is added by `href`, from the pairs
of a typed state (the state's canonical order kept), and `without`/`with_param` make "this query
minus or plus one parameter"."""

from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import urlencode


def option(slug: str, fragment: str = "") -> str:
    return f"/options/{slug}" + (f"#{fragment}" if fragment else "")


def stakeholder(slug: str) -> str:
    return f"/stakeholders/{slug}"


def source(sid: str) -> str:
    return f"/sources/{sid}"


def permalink(code: str) -> str:
    return f"/c/{code}"


def data_table(name: str) -> str:
    return f"/data/{name}.csv"


def href(path: str, pairs: Iterable[tuple[str, str]] = ()) -> str:
    query = _query(tuple(pairs))
    return f"{path}?{query}" if query else path


@lru_cache(maxsize=256)  # a page links the same state a dozen times (downloads, charts, forms)
def _query(pairs: tuple[tuple[str, str], ...]) -> str:
    return urlencode(pairs, safe=",:")


def without(
    pairs: Iterable[tuple[str, str]], name: str, value: str | None = None
) -> list[tuple[str, str]]:
    """The query without one parameter (or one value of a repeatable one)."""
    return [(k, v) for k, v in pairs if not (k == name and (value is None or v == value))]


def with_param(pairs: Iterable[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    """The query with one parameter set (replacing any value it had)."""
    return [*without(pairs, name), (name, value)]
