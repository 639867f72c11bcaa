"""One option's page, `/options/{slug}`."""

import datetime as dt

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from app.analysis.index import veto_for
from app.pages import option as option_model
from app.serving.deps import OptionDep
from app.serving.render import cached_page, href, render, without
from app.serving.site import SiteDep
from app.state import parse_explore
from app.views.charts import option_bars, option_timeline_chart
from app.views.verdict import verdict
from app.web.frame import alternates, chart_links, dated
from app.web.guards import takes

router = APIRouter(include_in_schema=False)


@router.get("/options/{slug}", dependencies=[Depends(takes("at", "assume"))])
@cached_page
def option_page(request: Request, option: OptionDep, site: SiteDep) -> Response:
    slug = option.slug
    state = parse_explore(request.query_params.multi_items(), site.vocab)
    analysis = veto_for(site.index, slug, state.assume)
    names = {k: s.name for k, s in site.index.stakeholders.items()}
    line = verdict(analysis, names)
    at = [("at", state.at.isoformat())] if state.at else []

    def on_day(day: dt.date) -> str:
        # A timeline change links to this page as it stood that day, hypotheses kept.
        return href(f"/options/{slug}", [*without(state.pairs(), "at"), ("at", day.isoformat())])

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
                "timeline": chart_links(f"/options/{slug}/timeline", at),
                "scores": chart_links(f"/options/{slug}/scores", at),
            },
            "og_image": href(f"/options/{slug}/preview.png", at),
            "dates": dated(site, f"/options/{slug}", state, (slug,)),
            "og": {
                "title": f"{option.title}: {line.text}",
                "description": option.summary,
                "image_alt": f"{option.title}: {line.text}",
            },
        },
    )
