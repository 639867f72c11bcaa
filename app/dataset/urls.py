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


def propose(slug: str) -> str:
    return f"/options/{slug}/propose"


def stakeholder(slug: str) -> str:
    return f"/stakeholders/{slug}"


def source(sid: str) -> str:
    return f"/sources/{sid}"


def stakeholders() -> str:
    return "/stakeholders"


def glossary(slug: str) -> str:
    """A term's entry in the glossary of /methodology."""
    return f"/methodology#glossary-{slug}"


def revision(number: int) -> str:
    """A revision's entry on /changes."""
    return f"/changes#revision-{number}"


def sources(fragment: str = "") -> str:
    return "/sources" + (f"#{fragment}" if fragment else "")


def proposal(pid: int, action: str = "") -> str:
    """A proposal's page, or one of its actions (approve, reject)."""
    return f"/proposals/{pid}" + (f"/{action}" if action else "")


def correction(rid: int, action: str) -> str:
    """An action on a reader's report of an error (resolve)."""
    return f"/corrections/{rid}/{action}"


def api(path: str) -> str:
    """The JSON twin of an entity path: /options/x -> /api/v1/options/x."""
    return "/api/v1" + path


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
