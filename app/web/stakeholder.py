"""One stakeholder's page, `/stakeholders/{slug}`."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.dataset import urls
from app.pages import stakeholder
from app.serving.deps import AT_ONLY, StakeholderDep
from app.serving.render import cached_page, render
from app.serving.site import SiteDep
from app.web.frame import alternates

router = APIRouter(include_in_schema=False)


@router.get("/stakeholders/{slug}", dependencies=[AT_ONLY])
@cached_page
def stakeholder_page(request: Request, who: StakeholderDep, site: SiteDep) -> Response:
    return render(
        request,
        "stakeholder.html",
        {
            "meta": site.meta,
            "page": stakeholder.build(site.index, site.links, who),
            "page_title": who.name,
            "exports": alternates(urls.api(urls.stakeholder(who.slug))),
        },
    )
