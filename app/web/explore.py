"""The explore page, `/`: parse the state, build the page, render it whole or its results."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from app.pages import explore
from app.serving.render import cached_page, href, render, wants_fragment
from app.serving.site import SiteDep
from app.state import MAX_COMPARE, MIN_COMPARE, CompareState, ExploreState, parse_explore
from app.web.frame import alternates, dated, not_canonical

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
    return render(
        request,
        "explore.html",
        {
            "meta": site.meta,
            "page": explore.build(site.index, site.vocab, state, go),
            "page_title": None,
            "exports": {**alternates("/api/v1/options", state.pairs()), "in_page": True},
            "dates": dated(site, "/", state),
        },
        block="results",
        push_url=href("/", state.pairs()),
    )
