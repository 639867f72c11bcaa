"""The stance matrix, `/matrix`."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.pages import matrix
from app.serving.deps import ExploreDep
from app.serving.render import cached_page, href, render
from app.serving.site import SiteDep
from app.web.frame import alternates, dated, not_canonical

router = APIRouter(include_in_schema=False)


@router.get("/matrix")
@cached_page
def matrix_page(request: Request, site: SiteDep, state: ExploreDep) -> Response:
    if redirect := not_canonical(request, state.query()):
        return redirect
    return render(
        request,
        "matrix.html",
        {
            "meta": site.meta,
            "page": matrix.build(site.index, state),
            "page_title": "Stance matrix",
            "exports": {**alternates("/api/v1/matrix", state.pairs()), "in_page": True},
            "dates": dated(site, "/matrix", state),
        },
        block="results",
        push_url=href("/matrix", state.pairs()),
    )
