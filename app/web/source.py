"""One source's page, `/sources/{id}`."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.dataset import urls
from app.pages import source as source_model
from app.serving.deps import AT_ONLY, SourceDep
from app.serving.render import cached_page, render
from app.serving.site import SiteDep
from app.web.frame import alternates

router = APIRouter(include_in_schema=False)


@router.get("/sources/{source_id}", dependencies=[AT_ONLY])
@cached_page
def source_page(request: Request, source: SourceDep, site: SiteDep) -> Response:
    return render(
        request,
        "source.html",
        {
            "meta": site.meta,
            "page": source_model.build(site.index, site.links, source.id),
            "page_title": source.title,
            "exports": alternates(urls.api(urls.source(source.id))),
        },
    )
