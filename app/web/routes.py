"""Pages. Each route: parse state (dependency) -> analysis -> render. No SQL here."""

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Annotated, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from app.analysis import ranks
from app.analysis.explore import explore_with_vetoes, position
from app.analysis.index import veto_for
from app.analysis.scores import FORMULA
from app.dataset.schema import Option
from app.dataset.text import xml_text
from app.errors import NotFound, no_such
from app.serving.render import cached_page, environment, href, render, wants_fragment, without
from app.serving.site import SessionDep, Site, SiteDep
from app.state import (
    MAX_COMPARE,
    MIN_COMPARE,
    CompareState,
    ExploreState,
    parse_explore,
    parse_sources,
    suggest,
)
from app.store import history as revision_history
from app.views import datapackage, pages, present
from app.views.charts import option_bars, option_timeline_chart
from app.views.home import home
from app.views.verdict import verdict
from app.web.guards import takes
from app.web.labels import describe_pair

router = APIRouter(include_in_schema=False)
T = TypeVar("T")


COMPARE_GO = "compare"  # the "Compare selected" button on `/`: go to /compare with the ticks


def explore_state(request: Request, site: SiteDep) -> ExploreState:
    items = [(k, v) for k, v in request.query_params.multi_items() if k != COMPARE_GO]
    return parse_explore(items, site.vocab)


ExploreDep = Annotated[ExploreState, Depends(explore_state)]


def not_canonical(request: Request, query: str) -> Response | None:
    """Full-page requests with a non-canonical query are redirected, so equal states share a URL."""
    if request.headers.get("hx-request") == "true":
        return None
    if request.url.query != query:
        return RedirectResponse(href(request.url.path) + (f"?{query}" if query else ""), 302)
    return None


def lookup(
    items: Mapping[str, T],
    key: str,
    *,
    what: str,
    field: str,
    label: Callable[[T], str],
    path: str,
    back: tuple[str, str],
) -> T:
    """The item at `key`, or a 404 page suggesting the closest keys."""
    item = items.get(key)
    if item is None:
        raise NotFound(
            no_such(what, key),
            field=field,
            suggestions=[(label(items[s]), f"{path}/{s}") for s in suggest(key, items)],
            back=back,
        )
    return item


def _compare_selected(request: Request, state: ExploreState) -> Response | str | None:
    """ "Compare selected" pressed: go to /compare with the ticked options, or say what to do."""
    if COMPARE_GO not in request.query_params:
        return None
    n = len(state.o)
    if n < MIN_COMPARE:
        ticked = "none is ticked" if n == 0 else "only one is ticked"
        return (
            f"To compare, tick at least two options with their “Compare” boxes ({ticked}), "
            "then press “Compare selected” again."
        )
    if n > MAX_COMPARE:
        return f"A comparison shows at most {MAX_COMPARE} options; {n} are ticked. Untick some."
    target = href("/compare", CompareState(o=state.o, assume=state.assume, at=state.at).pairs())
    if wants_fragment(request):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, 303)


def chart_links(path: str, pairs: list[tuple[str, str]]) -> dict[str, str]:
    return {"svg": href(path + ".svg", pairs), "png": href(path + ".png", pairs)}


@router.get("/")
@cached_page
def explore_page(request: Request, site: SiteDep, state: ExploreDep) -> Response:
    go = _compare_selected(request, state)
    if isinstance(go, Response):
        return go
    if go is None and (redirect := not_canonical(request, state.query())):
        return redirect
    explored = explore_with_vetoes(site.index, state)
    # "What if" links: each current blocker, assumed neutral on top of any earlier hypothesis.
    blockers = dict.fromkeys(b.stakeholder for v in explored.analyses.values() for b in v.blockers)
    whatif = [(site.index.stakeholders[b].name, state.with_position(b, 0)) for b in blockers]
    axes = state.axes(site.vocab)
    shown = explored.result.options
    view = home(site.index, explored.analyses, shown, axes)
    chart_pairs = without(state.pairs(), "o")
    return render(
        request,
        "explore.html",
        {
            "meta": site.meta,
            "view": present.option_list(site.index, state),
            "state": state,
            "result": explored.result,
            "veto": explored.veto,
            "assume": explored.assume,
            "pairs": state.pairs(),
            "page_title": None,
            "exports": {**alternates("/api/v1/options", state.pairs()), "in_page": True},
            "describe": lambda n, v: describe_pair(site.index, n, v),
            "page": pages.explore_page(site.index, site.vocab, state),
            "whatif": whatif,
            "answer": view.answer,
            "verdicts": view.verdicts,
            "charts": {
                "wide": view.wide,
                "compact": view.compact,
                "downloads": chart_links("/charts/overview", chart_pairs),
            },
            "axes": axes,
            "shown": {o.slug for o in shown},
            "filter_count": sum(1 for _ in filter_pairs(state)),
            "compare_notice": go,
            "dates": dated(site, "/", state),
        },
        block="results",
        push_url=href("/", state.pairs()),
    )


def dated(
    site: Site, path: str, state: ExploreState | CompareState, options: Iterable[str] = ()
) -> pages.DateControl:
    """The page's date control: its state kept, and no earlier than its options' proposals."""
    chosen = [site.index.options[s] for s in (*state.o, *options) if s in site.index.options]
    return pages.date_control(path, state.pairs(), site.meta, floor=pages.proposal_floor(chosen))


def filter_pairs(state: ExploreState) -> list[tuple[str, str]]:
    """The query pairs that filter (not sort, select, hypothesise, date or choose axes)."""
    return [(k, v) for k, v in state.pairs() if k not in ("sort", "o", "assume", "at", "x", "y")]


def option_or_404(site: Site, slug: str) -> Option:
    site.check_proposed(slug)
    return lookup(
        site.index.options,
        slug,
        what="option called",
        field="slug",
        label=lambda o: o.title,
        path="/options",
        back=("See all options", "/"),
    )


@router.get("/options/{slug}", dependencies=[Depends(takes("at", "assume"))])
@cached_page
def option_page(request: Request, slug: str, site: SiteDep) -> Response:
    option = option_or_404(site, slug)
    state = parse_explore(request.query_params.multi_items(), site.vocab)
    analysis = veto_for(site.index, slug, state.assume)
    names = {k: s.name for k, s in site.index.stakeholders.items()}
    line = verdict(analysis, names)
    at = [("at", state.at.isoformat())] if state.at else []

    def on_day(day: dt.date) -> str:
        # A timeline change links to this page as it stood that day, hypotheses kept.
        return href(f"/options/{slug}", [*without(state.pairs(), "at"), ("at", day.isoformat())])

    return render(
        request,
        "option.html",
        {
            "meta": site.meta,
            "option": option,
            "veto": analysis,
            "verdict": line,
            "page": pages.option_page(site.index, site.links, option, analysis, state.assume),
            "state": state,
            "page_title": option.title,
            "exports": alternates(f"/api/v1/options/{slug}"),
            "timeline": option_timeline_chart(site.index, slug, day_href=on_day),
            "timeline_narrow": option_timeline_chart(
                site.index, slug, narrow=True, day_href=on_day
            ),
            "bars": option_bars(site.index, option),
            "bars_narrow": option_bars(site.index, option, narrow=True),
            "chart_links": {
                "timeline": chart_links(f"/options/{slug}/timeline", at),
                "scores": chart_links(f"/options/{slug}/scores", at),
            },
            "og_image": href(f"/options/{slug}/preview.png", at),
            "dates": dated(site, f"/options/{slug}", state, (slug,)),
            "og": {
                "title": f"{option.title}: {line.text}",
                "description": option.summary,
                "image_alt": f"{option.title}: {line.text}",
            },
        },
    )


def alternates(path: str, pairs: list[tuple[str, str]] | None = None) -> dict[str, str]:
    """The JSON and CSV twins of a page, served by the API with the same query."""
    return {"json": href(path, pairs or []), "csv": href(path + ".csv", pairs or [])}


@router.get("/stakeholders")
@cached_page
def stakeholders_page(request: Request, site: SiteDep) -> Response:
    return render(
        request,
        "stakeholders.html",
        {
            "meta": site.meta,
            "view": present.stakeholders(site.index),
            "page_title": "Stakeholders",
            "exports": alternates("/api/v1/stakeholders"),
        },
    )


@router.get("/stakeholders/{slug}")
@cached_page
def stakeholder_page(request: Request, slug: str, site: SiteDep) -> Response:
    who = lookup(
        site.index.stakeholders,
        slug,
        what="stakeholder called",
        field="slug",
        label=lambda s: s.name,
        path="/stakeholders",
        back=("See all stakeholders", "/stakeholders"),
    )
    rows = [(o, site.index.history.get((slug, o.slug), [])) for o in site.index.options.values()]
    return render(
        request,
        "stakeholder.html",
        {
            "meta": site.meta,
            "view": present.stakeholder(site.index, slug),
            "page": pages.StakeholderPage(pages.citations(site.index, site.links)),
            "who": who,
            "rows": rows,
            "seats": site.index.seats.get(slug, []),
            "page_title": who.name,
            "exports": alternates(f"/api/v1/stakeholders/{slug}"),
        },
    )


@router.get("/matrix")
@cached_page
def matrix_page(request: Request, site: SiteDep, state: ExploreDep) -> Response:
    if redirect := not_canonical(request, state.query()):
        return redirect
    explored = explore_with_vetoes(site.index, state)
    result, assume = explored.result, explored.assume
    people = [
        s
        for s in site.index.stakeholders.values()
        if any((s.slug, o) in site.index.history for o in site.index.options)
    ]
    cells = {
        (p.slug, o.slug): position(site.index, p.slug, o.slug, assume)
        for p in people
        for o in result.options
    }
    vetoes = {o.slug: veto_for(site.index, o.slug, state.assume) for o in result.options}
    return render(
        request,
        "matrix.html",
        {
            "notes": pages.matrix_cells(site.index, result.options, people, vetoes),
            "meta": site.meta,
            "view": present.matrix(site.index, state),
            "state": state,
            "result": result,
            "people": people,
            "cells": cells,
            "assume": assume,
            "pairs": state.pairs(),
            "veto": explored.veto,
            "page_title": "Stance matrix",
            "describe": lambda n, v: describe_pair(site.index, n, v),
            "exports": {**alternates("/api/v1/matrix", state.pairs()), "in_page": True},
            "dates": dated(site, "/matrix", state),
        },
        block="results",
        push_url=href("/matrix", state.pairs()),
    )


@router.get("/sources")
@cached_page
def sources_page(request: Request, site: SiteDep) -> Response:
    q = parse_sources(request.query_params.multi_items(), site.vocab)
    pairs = [*q.pairs(), *at_pair(site)]
    if redirect := not_canonical(request, urlencode(pairs, safe=",:")):
        return redirect
    return render(
        request,
        "sources.html",
        {
            "meta": site.meta,
            "q": q,
            "view": present.sources(site.index, site.links, q),
            "page": pages.sources_page(site.index, site.links, site.vocab.publishers),
            "data_tables": datapackage.TABLES,
            "page_title": "Sources",
            "exports": {**alternates("/api/v1/sources", q.pairs()), "in_page": True},
        },
        block="results",
        push_url=href("/sources", pairs),
    )


def at_pair(site: Site) -> list[tuple[str, str]]:
    """`at=` as the site resolved it, to keep in the links of a page that takes it."""
    return [("at", site.index.at.isoformat())] if site.index.at else []


@router.get("/sources/{source_id}")
@cached_page
def source_page(request: Request, source_id: str, site: SiteDep) -> Response:
    source = lookup(
        site.index.sources,
        source_id,
        what="source with the id",
        field="source_id",
        label=lambda s: s.title,
        path="/sources",
        back=("See all sources", "/sources"),
    )
    return render(
        request,
        "source.html",
        {
            "meta": site.meta,
            "view": present.source(site.index, site.links, source_id),
            "page": pages.source_page(site.index, source_id),
            "source": source,
            "page_title": source.title,
            "exports": alternates(f"/api/v1/sources/{source_id}"),
        },
    )


@router.get("/changes")
@cached_page
def changes_page(request: Request, site: SiteDep, session: SessionDep) -> Response:
    revisions = revision_history.changes(session, site.revision.number, request.app.state.history)
    return render(
        request,
        "changes.html",
        {
            "meta": site.meta,
            "revisions": revisions,
            "page_title": "What changed",
            "exports": alternates("/api/v1/changes"),
        },
    )


@router.get("/changes.atom")
@cached_page
def changes_feed(request: Request, site: SiteDep, session: SessionDep) -> Response:
    revisions = revision_history.changes(session, site.revision.number, request.app.state.history)
    body = (
        environment(str(request.app.state.settings.templates_dir))
        .get_template("changes.atom")
        .render(
            meta=site.meta,
            revisions=revisions,
            # Feed readers resolve the entries' relative links against this.
            public_url=request.app.state.settings.public_url.rstrip("/"),
            feed_id=f"urn:policy-option-explorer:{site.index.ds.dossier.slug}:changes",
        )
    )
    # Defence in depth: a character XML cannot carry would make the whole feed unreadable.
    return Response(xml_text(body), media_type="application/atom+xml; charset=utf-8")


@router.get("/methodology")
@cached_page
def methodology_page(request: Request, site: SiteDep) -> Response:
    return render(
        request,
        "methodology.html",
        {
            "meta": site.meta,
            "page_title": "Methodology",
            "formula": FORMULA,
            "rank_method": ranks.METHOD_TEXT,
            "exact_limit": ranks.EXACT_LIMIT,
            "draws": ranks.DRAWS,
            "seed": ranks.SEED,
            "page": pages.methodology_page(site.index, site.links),
            "data_tables": datapackage.TABLES,
            "og": {
                "title": f"Methodology · {site.index.ds.dossier.title}",
                "description": "How scores, weights, rank chances, veto statuses and votes are "
                "worked out, how the data is kept current, and how to cite it.",
            },
        },
    )
