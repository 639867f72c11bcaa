"""The explore page, `/`: parse the state, build the page, render it whole or its results."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from app.analysis.explore import explore_with_vetoes
from app.pages import explore
from app.pages.labels import describe_pair
from app.serving.render import cached_page, href, render, wants_fragment, without
from app.serving.site import SiteDep
from app.state import MAX_COMPARE, MIN_COMPARE, CompareState, ExploreState, parse_explore
from app.web.frame import alternates, chart_links, dated, not_canonical

router = APIRouter(include_in_schema=False)

COMPARE_GO = "compare"  # the "Compare selected" button on `/`: go to /compare with the ticks


def explore_state(request: Request, site: SiteDep) -> ExploreState:
    items = [(k, v) for k, v in request.query_params.multi_items() if k != COMPARE_GO]
    return parse_explore(items, site.vocab)


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


def filter_pairs(state: ExploreState) -> list[tuple[str, str]]:
    """The query pairs that filter (not sort, select, hypothesise, date or choose axes)."""
    return [(k, v) for k, v in state.pairs() if k not in ("sort", "o", "assume", "at", "x", "y")]


@router.get("/")
@cached_page
def explore_page(
    request: Request, site: SiteDep, state: Annotated[ExploreState, Depends(explore_state)]
) -> Response:
    go = _compare_selected(request, state)
    if isinstance(go, Response):
        return go
    if go is None and (redirect := not_canonical(request, state.query())):
        return redirect
    explored = explore_with_vetoes(site.index, state)
    # "What if" links: each current blocker, assumed neutral on top of any earlier hypothesis.
    blockers = dict.fromkeys(b.stakeholder for v in explored.analyses.values() for b in v.blockers)
    whatif = [(site.index.stakeholders[b].name, state.with_hypothesis(b, "0")) for b in blockers]
    axes = state.axes(site.vocab)
    shown = explored.result.options
    view = explore.home(site.index, explored.analyses, shown, axes)
    chart_pairs = without(state.pairs(), "o")
    return render(
        request,
        "explore.html",
        {
            "meta": site.meta,
            "view": explore.option_list(site.index, state),
            "state": state,
            "result": explored.result,
            "veto": explored.veto,
            "assume": explored.assume,
            "pairs": state.pairs(),
            "page_title": None,
            "exports": {**alternates("/api/v1/options", state.pairs()), "in_page": True},
            "describe": lambda n, v: describe_pair(site.index, n, v),
            "page": explore.explore_page(site.index, site.vocab, state),
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
