"""One option's page, `/options/{slug}`: its own typed state (hypotheses and the day), a
canonical redirect, and the page built from the state."""

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from app.analysis.index import veto_for
from app.dataset import urls
from app.pages import option as option_model
from app.pages.option import OptionState, parse_option
from app.pages.parts import date_control, proposal_floor
from app.serving.deps import OptionDep
from app.serving.render import cached_page, render
from app.serving.site import SiteDep
from app.views.charts import option_bars, option_timeline_chart
from app.views.verdict import verdict
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
    slug = option.slug
    analysis = veto_for(site.index, slug, state.assume)
    names = {k: s.name for k, s in site.index.stakeholders.items()}
    line = verdict(analysis, names)
    today = state.without_hypotheses()  # the charts and the preview image take `at=` only

    def on_day(day: dt.date) -> str:
        # A timeline change links to this page as it stood that day, hypotheses kept.
        return state.on(day).url()

    return render(
        request,
        "option.html",
        {
            "meta": site.meta,
            "option": option,
            "veto": analysis,
            "verdict": line,
            "page": option_model.option_page(
                site.index, site.links, option, analysis, state.assume
            ),
            "state": state,
            "page_title": option.title,
            "exports": alternates(f"/api/v1/options/{slug}"),
            "timeline": option_timeline_chart(site.index, slug, day_href=on_day),
            "timeline_narrow": option_timeline_chart(
                site.index, slug, narrow=True, day_href=on_day
            ),
            "bars": option_bars(site.index, option),
            "bars_narrow": option_bars(site.index, option, narrow=True),
            "chart_links": {
                kind: {ext: today.url(f"/{kind}.{ext}") for ext in ("svg", "png")}
                for kind in ("timeline", "scores")
            },
            "og_image": today.url("/preview.png"),
            "dates": date_control(
                urls.option(slug), state.pairs(), site.meta, floor=proposal_floor([option])
            ),
            "og": {
                "title": f"{option.title}: {line.text}",
                "description": option.summary,
                "image_alt": f"{option.title}: {line.text}",
            },
        },
    )
