"""Dependencies shared by the pages (app.web) and their JSON and CSV twins (app.api), which never
import each other: each query parsed once, each slug resolved once. A missing thing raises
NotFound here, in one voice (errors.no_such), with the closest matches: titled links on a page,
slugs in JSON."""

from collections.abc import Callable, Mapping
from typing import Annotated, TypeVar

from fastapi import Depends, Path, Request
from sqlmodel import Session

from app.dataset import urls
from app.dataset.schema import Option, Source, Stakeholder
from app.errors import NotFound, no_such
from app.serving.site import SessionDep, Site, SiteDep
from app.state import (
    CODE_RE,
    BadParam,
    CompareState,
    ExploreState,
    SourceQuery,
    StanceQuery,
    parse_compare,
    parse_explore,
    parse_sources,
    parse_stances,
    suggest,
)
from app.store import permalinks, queries

T = TypeVar("T")


def resolve(
    items: Mapping[str, T],
    key: str,
    *,
    what: str,
    field: str,
    label: Callable[[T], str],
    href: Callable[[str], str],
    back: tuple[str, str] | None = None,
) -> T:
    """The item at `key`, or NotFound suggesting the closest keys."""
    item = items.get(key)
    if item is None:
        close = suggest(key, items)
        raise NotFound(
            no_such(what, key),
            field=field,
            suggestions=[(label(items[s]), href(s)) for s in close],
            keys=close,
            back=back,
        )
    return item


def option_or_404(site: Site, slug: str) -> Option:
    site.check_proposed(slug)
    return resolve(
        site.index.options,
        slug,
        what="option called",
        field="slug",
        label=lambda o: o.title,
        href=urls.option,
        back=("See all options", "/"),
    )


def option_dep(slug: Annotated[str, Path(description="Option slug")], site: SiteDep) -> Option:
    return option_or_404(site, slug)


def stakeholder_dep(
    slug: Annotated[str, Path(description="Stakeholder slug")], site: SiteDep
) -> Stakeholder:
    return resolve(
        site.index.stakeholders,
        slug,
        what="stakeholder called",
        field="slug",
        label=lambda s: s.name,
        href=urls.stakeholder,
        back=("See all stakeholders", "/stakeholders"),
    )


def source_dep(source_id: Annotated[str, Path(description="Source id")], site: SiteDep) -> Source:
    return resolve(
        site.index.sources,
        source_id,
        what="source with the id",
        field="source_id",
        label=lambda s: s.title,
        href=urls.source,
        back=("See all sources", "/sources"),
    )


def permalink_dep(
    request: Request,
    code: Annotated[str, Path(description="The code in /c/{code}")],
    session: SessionDep,
) -> permalinks.Link:
    return permalink_or_404(request, session, code)


def permalink_or_404(request: Request, session: Session, code: str) -> permalinks.Link:
    """The permanent link `code`, read with the comparison it froze."""
    caches: permalinks.Caches = request.app.state.permalinks
    link = queries.permalink(session, code=code, caches=caches) if CODE_RE.match(code) else None
    if link is None:
        raise NotFound(
            f"There is no permanent link with the code “{code}”. Check that it was copied whole.",
            field="code",
            back=("Start a new comparison from all options", "/"),
        )
    return link


def compare_state(request: Request, site: SiteDep) -> CompareState:
    """`o=` (two to six options), `w=`, `assume=`, `at=`: the compare page's downloads and the
    comparison's JSON twin (the page itself also takes fewer options, for its picker)."""
    return parse_compare(request.query_params.multi_items(), site.vocab)


def explore_state(request: Request, site: SiteDep) -> ExploreState:
    return parse_explore(request.query_params.multi_items(), site.vocab)


def stance_query(request: Request, site: SiteDep) -> StanceQuery:
    return parse_stances(request.query_params.multi_items(), site.vocab)


def source_query(request: Request, site: SiteDep) -> SourceQuery:
    return parse_sources(request.query_params.multi_items(), site.vocab)


OptionDep = Annotated[Option, Depends(option_dep)]
StakeholderDep = Annotated[Stakeholder, Depends(stakeholder_dep)]
SourceDep = Annotated[Source, Depends(source_dep)]
ExploreDep = Annotated[ExploreState, Depends(explore_state)]
StanceQueryDep = Annotated[StanceQuery, Depends(stance_query)]
SourceQueryDep = Annotated[SourceQuery, Depends(source_query)]
CompareDep = Annotated[CompareState, Depends(compare_state)]
PermalinkDep = Annotated[permalinks.Link, Depends(permalink_dep)]


def takes(*allowed: str) -> Callable[[Request], None]:
    """A dependency refusing any query parameter but `allowed`: every distinct query string
    would otherwise render (and cache) the same image again."""

    def check(request: Request) -> None:
        for name in request.query_params:
            if name not in allowed:
                takes_what = ", ".join(f"{a}=" for a in allowed) if allowed else "no parameters"
                raise BadParam(
                    name, f"is not a parameter of this page (it takes {takes_what})", allowed
                )

    return check


AT_ONLY = Depends(takes("at"))  # a page or twin whose only parameter is the day
