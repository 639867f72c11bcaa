"""The methodology page, `/methodology`."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.analysis import ranks
from app.analysis.scores import FORMULA
from app.pages import data, methodology
from app.serving.render import cached_page, render
from app.serving.site import SiteDep

router = APIRouter(include_in_schema=False)


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
            "page": methodology.methodology_page(site.index, site.links),
            "data_tables": data.TABLES,
            "og": {
                "title": f"Methodology · {site.index.ds.dossier.title}",
                "description": "How scores, weights, rank chances, veto statuses and votes are "
                "worked out, how the data is kept current, and how to cite it.",
            },
        },
    )
