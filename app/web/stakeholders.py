"""The stakeholders page, `/stakeholders`."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.pages import stakeholders
from app.serving.deps import AT_ONLY
from app.serving.render import cached_page, render
from app.serving.site import SiteDep
from app.web.frame import alternates

router = APIRouter(include_in_schema=False)


@router.get("/stakeholders", dependencies=[AT_ONLY])
@cached_page
def stakeholders_page(request: Request, site: SiteDep) -> Response:
    return render(
        request,
        "stakeholders.html",
        {
            "meta": site.meta,
            "page": stakeholders.build(site.index),
            "page_title": "Stakeholders",
            "exports": alternates("/api/v1/stakeholders"),
        },
    )
