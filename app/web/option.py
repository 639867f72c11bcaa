"""One option's page, `/options/{slug}`: its own typed state (hypotheses and the day), a
canonical redirect, and the page built from the state."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from app.dataset import urls
from app.pages import option as option_page_model
from app.pages.option import OptionState, parse_option
from app.pages.parts import date_control, proposal_floor
from app.serving.deps import OptionDep
from app.serving.render import cached_page, render
from app.serving.site import SiteDep
from app.web.frame import alternates, not_canonical
from app.web.guards import takes

router = APIRouter(include_in_schema=False)


def option_state(request: Request, option: OptionDep, site: SiteDep) -> OptionState:
    # `at=` is resolved once, by the site; the guard has refused every other parameter.
    return parse_option(option.slug, request.query_params.multi_items(), site.vocab, site.index.at)


@router.get("/options/{slug}", dependencies=[Depends(takes("at", "assume"))])
@cached_page
def option_page(
    request: Request,
    option: OptionDep,
    site: SiteDep,
    state: Annotated[OptionState, Depends(option_state)],
) -> Response:
    if redirect := not_canonical(request, state.query()):
        return redirect
    page = option_page_model.build(site.index, site.links, option, state)
    line = page.verdict.text
    return render(
        request,
        "option.html",
        {
            "meta": site.meta,
            "page": page,
            "page_title": option.title,
            "exports": alternates(urls.api(urls.option(option.slug))),
            "og_image": state.without_hypotheses().url("/preview.png"),
            "dates": date_control(
                urls.option(option.slug), state.pairs(), site.meta, floor=proposal_floor([option])
            ),
            "og": {
                "title": f"{option.title}: {line}",
                "description": option.summary,
                "image_alt": f"{option.title}: {line}",
            },
        },
    )
