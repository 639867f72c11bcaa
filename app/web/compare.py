"""The compare page, `/compare` (a picker below two options), and its downloads `/compare.csv`
and `/compare.json`. Each route: parse (app.serving.deps) -> the page module (app.pages.compare)
-> render. Every view of a comparison renders from one typed snapshot (app.analysis.snapshot),
so the page, a permalink (app.web.permalink) and the downloads cannot disagree."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from markupsafe import Markup
from starlette.datastructures import URL, QueryParams

from app.analysis.compare import comparison_snapshot, fixed_part_built
from app.analysis.snapshot import SnapshotOption, SnapshotWeight
from app.pages import compare, ranking_stamp
from app.pages.stamp import token
from app.serving.csvout import csv_response
from app.serving.deps import CompareDep
from app.serving.render import (
    cached_page,
    html_response,
    not_kept,
    part_kept,
    render,
    rendered,
    stamp,
    template_global,
    wants_fragment,
)
from app.serving.site import Site, SiteDep, current_site, kept_site
from app.state import MIN_COMPARE, BadParam, CompareState, parse_compare
from app.web.frame import COMPARISON_PARTS, comparison_parts, dated, json_download, not_canonical

router = APIRouter(include_in_schema=False)


def picker_page(request: Request, site: Site, state: CompareState) -> Response:
    """Fewer than two options: not an error but a form to choose them, keeping the rest."""
    return render(
        request,
        "compare_picker.html",
        {
            "meta": site.meta,
            "page": compare.compare_picker(site.index, state),
            "dates": dated(site, compare.PATH, state),
            "page_title": "Choose options to compare",
        },
    )


def _fixed_key(site: Site, state: CompareState) -> tuple[object, ...]:
    return ("compare", site.version, state.o, state.assume, state.at, dt.date.today())


def _page_state(request: Request, site: Site) -> CompareState:
    """The page's state, parsed once per request (`_warm` asks first, then the page)."""
    state = getattr(request.state, "compare_state", None)
    if state is None:
        state = parse_compare(request.query_params.multi_items(), site.vocab, fewest=0)
        request.state.compare_state = state
    assert isinstance(state, CompareState)
    return state


def _warm(request: Request, site: Site) -> bool:
    """Whether the page needs nothing built but what the weights change: a few milliseconds of
    work, cheaper here than handed to a thread (a thread hop costs about as much)."""
    try:
        state = _page_state(request, site)
    except BadParam:
        return True  # the error page
    if len(state.o) < MIN_COMPARE:
        return True
    if not fixed_part_built(site.index, state, revision=site.revision.number):
        return False
    key = _fixed_key(site, state)
    return wants_fragment(request) or all(part_kept(request, t, key) for t in COMPARISON_PARTS)


def early(request: Request) -> Response | None:
    """The page's answer to a comparison seen before, under new weights, asked by the page
    cache's front before routing (app.serving.page_cache): the same answer as the route's,
    without FastAPI's routing, dependencies and inner middleware around it. None when it
    needs a thread (a new comparison, a past day, a stale revision): the route answers."""
    site = kept_site(request)
    if site is None or not _warm(request, site):
        return None
    return _compare_page(request=request, site=site)


@router.get("/compare")
async def compare_page(request: Request) -> Response:
    site = await current_site(request)  # not a dependency: a weight change skips their solving
    # A comparison seen before, under new weights, runs on the event loop; a new one, whose
    # table and sources must be built and rendered, in the threadpool like any page.
    if _warm(request, site):
        return _compare_page(request=request, site=site)
    return await run_in_threadpool(_compare_page, request=request, site=site)


def _slotted_context(site: Site, slotted: compare.ComparePage) -> dict[str, object]:
    """What a stamp of the page reads: a page whose state carries the stand-in weighting."""
    return {
        "meta": site.meta,
        "page": slotted,
        "exports": slotted.exports,
        "dates": dated(site, compare.PATH, slotted.state),
    }


def page_carriers(request: Request, site: Site, slotted: compare.ComparePage) -> dict[str, object]:
    """The whole page's own controls that carry the weights, outside the ranking block (the
    share bar, each column's moves, the downloads and the date control at its foot), rendered
    for the page's stamp: `slotted` carries the stand-in weighting, which the stamp cuts out."""
    context = _slotted_context(site, slotted)

    def one(template: str, o: SnapshotOption | None = None) -> Markup:
        return rendered(request, template, {**context, "o": o})

    return {
        "share_bar": one("_compare_share.html"),
        "column_controls": {o.slug: one("_column_controls.html", o) for o in slotted.snap.options},
        "exports_line": one("_compare_exports.html"),
        "date_foot": one("_date_foot.html"),
    }


def ranking_block(
    request: Request,
    site: Site,
    state: CompareState,
    page: compare.ComparePage,
    fragment: bool,
) -> Markup:
    """The ranking block (with, for htmx, the controls that carry the weights), filled in
    from its stamp: rendered once per comparison and shape (app.pages.ranking_stamp), so a
    weight change costs the analysis and a join."""
    kept = stamp(
        request,
        "compare.html",
        "ranking",
        lambda: _slotted_context(site, ranking_stamp.slotted(page)),
        key=(_fixed_key(site, state), ranking_stamp.shape(page, fragment)),
        fragment=fragment,
        cut=ranking_stamp.cut,
    )
    return kept.fill(ranking_stamp.values(page))


@dataclass(frozen=True)
class _SlottedRequest:
    """What the page's frame (templates/base.html) reads of the request, for the stand-in
    weighting: its address (the page's own link, the citation, the error report's) and its
    query (the link back to today)."""

    url: URL
    query_params: QueryParams


def whole_page(
    request: Request, site: Site, state: CompareState, page: compare.ComparePage
) -> Markup:
    """The whole page, filled in from its stamp: rendered once per comparison and shape, like
    the ranking block, with a token for every value the weights change (the ranking block's
    values, each criterion's weight pills, the page's description) and the stand-in weighting
    in every link and form that carries the weights; the parts no weight changes are marks
    (comparison_parts), registered anew by each request in the same order."""
    parts = comparison_parts(request, page.snap, _fixed_key(site, state), page.chart_urls["scores"])
    values = ranking_stamp.values(page)
    pills: Callable[[SnapshotWeight], Markup] = template_global(request, "weight_choice")
    extra = [*map(pills, page.snap.weights), page.og["description"]]

    def slotted() -> dict[str, object]:
        first = len(values)  # the extra values' tokens follow the ranking block's
        tokens = {w.slug: Markup(token(first + i)) for i, w in enumerate(page.snap.weights)}
        slot = ranking_stamp.slotted(page)
        url = URL(slot.url)
        return {
            **_slotted_context(site, slot),
            "request": _SlottedRequest(url, QueryParams(url.query)),
            **page_carriers(request, site, slot),
            **parts,
            "weight_choice": lambda w: tokens[w.slug],
            "og": {**page.og, "description": Markup(token(first + len(tokens)))},
            "og_image": slot.og_image,
            "page_title": page.og["title"],
        }

    kept = stamp(
        request,
        "compare.html",
        None,
        slotted,
        key=(_fixed_key(site, state), ranking_stamp.shape(page, False)),
        cut=ranking_stamp.cut,
    )
    return kept.fill([*values, *extra])


@cached_page
def _compare_page(request: Request, site: Site) -> Response:
    state = _page_state(request, site)
    if redirect := not_canonical(request, state.query()):
        return redirect
    if len(state.o) < MIN_COMPARE:
        return picker_page(request, site, state)
    page = compare.build(site.index, state, revision=site.revision.number)
    if wants_fragment(request):  # the block is the whole answer: no template to run around it
        not_kept(request)  # half a millisecond to make again: whole pages are worth the room
        return html_response(
            request, ranking_block(request, site, state, page, True), push_url=page.url
        )
    return html_response(request, whole_page(request, site, state, page))


def _name(state: CompareState) -> str:
    return "comparison-" + "-".join(state.o)


@router.get("/compare.csv")
def compare_csv(site: SiteDep, state: CompareDep) -> Response:
    table = compare.table(comparison_snapshot(site.index, state, revision=site.revision.number))
    return csv_response([str(h) for h in table[0]], table[1:], _name(state))


@router.get("/compare.json")
def compare_json(site: SiteDep, state: CompareDep) -> Response:
    snapshot = comparison_snapshot(site.index, state, revision=site.revision.number)
    return json_download(compare.export(snapshot).json_data(), _name(state))
