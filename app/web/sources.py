"""The sources page, `/sources`."""

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.pages import data, sources
from app.serving.deps import SourceQueryDep
from app.serving.render import cached_page, href, render
from app.serving.site import SiteDep
from app.web.frame import alternates, at_pair, not_canonical

router = APIRouter(include_in_schema=False)


@router.get("/sources")
@cached_page
def sources_page(request: Request, site: SiteDep, q: SourceQueryDep) -> Response:
    pairs = [*q.pairs(), *at_pair(site)]
    if redirect := not_canonical(request, urlencode(pairs, safe=",:")):
        return redirect
    return render(
        request,
        "sources.html",
        {
            "meta": site.meta,
            "page": sources.build(site.index, site.links, q, site.vocab.publishers, data.TABLES),
            "page_title": "Sources",
            "exports": {**alternates("/api/v1/sources", q.pairs()), "in_page": True},
        },
        block="results",
        push_url=href("/sources", pairs),
    )
