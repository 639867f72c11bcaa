"""The methodology page, `/methodology`."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.pages import data, methodology
from app.serving.deps import AT_ONLY
from app.serving.render import cached_page, render
from app.serving.site import SiteDep

router = APIRouter(include_in_schema=False)


@router.get("/methodology", dependencies=[AT_ONLY])
@cached_page
def methodology_page(request: Request, site: SiteDep) -> Response:
    return render(
        request,
        "methodology.html",
        {
            "meta": site.meta,
            "page_title": "Methodology",
            "page": methodology.build(site.index, site.links, data.TABLES),
            "og": {
                "title": f"Methodology · {site.index.ds.dossier.title}",
                "description": "How scores, weights, rank chances, veto statuses and votes are "
                "worked out, how the data is kept current, and how to cite it.",
            },
        },
    )
