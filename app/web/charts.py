"""Charts as files and link-preview images. Each chart a page shows downloads as SVG and PNG
from here, built by the same view function the page used; previews are 1200x630 PNGs for Open
Graph and Twitter cards. All are cached per dataset revision, like pages (`cached_page`)."""

from collections.abc import Callable, Iterable
from dataclasses import replace

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from app.analysis.compare import comparison_snapshot
from app.analysis.explore import explore_with_vetoes
from app.analysis.index import veto_for
from app.charts.caption import Caption, with_caption
from app.charts.png import OptionCard
from app.charts.raster import svg_to_png
from app.charts.svg import Chart
from app.dataset import urls
from app.dataset.dates import human
from app.errors import NotFound
from app.pages.compare import SCORES_STATE
from app.pages.comparison import comparison_card, ranks_chart
from app.pages.explore import home_card
from app.serving.deps import ExploreDep, compare_state, option_or_404, permalink_or_404
from app.serving.render import cached_page, href
from app.serving.site import SessionDep, Site, SiteDep
from app.views.charts import (
    bar_rows,
    hypotheses_text,
    index_caption,
    option_bars,
    option_timeline_chart,
    overview,
    snapshot_bar,
    snapshot_caption,
    snapshot_grouped,
    snapshot_subtitle,
)
from app.views.verdict import verdict
from app.web.guards import image_slot, takes

router = APIRouter(include_in_schema=False)
FORMATS = ("svg", "png")
AT_ONLY = Depends(takes("at"))  # an option's charts change with the day, nothing else
NOTHING = Depends(takes())


def address(request: Request, path: str, pairs: Iterable[tuple[str, str]] = ()) -> str:
    """The public address of the page a download or preview belongs to."""
    base: str = request.app.state.settings.public_url
    return base.rstrip("/") + href(path, pairs)


def chart_file(
    request: Request, chart: Chart | None, ext: str, name: str, caption: Caption
) -> Response:
    """The chart as an .svg document or a .png image, named for saving, with its title,
    subtitle, source, data date, licence and address drawn around it."""
    if ext not in FORMATS or chart is None:
        raise NotFound(
            f"There is no chart file “{name}.{ext}”: charts come as .svg or .png.",
            back=("See all options", "/"),
        )
    chart = with_caption(chart, caption)
    disposition = {"Content-Disposition": f'inline; filename="{name}.{ext}"'}
    if ext == "svg":
        return Response(chart.document, media_type="image/svg+xml", headers=disposition)
    with image_slot(request):
        data = svg_to_png(chart.svg)
    return Response(data, media_type="image/png", headers=disposition)


def png(request: Request, draw: Callable[[], bytes]) -> Response:
    with image_slot(request):
        return Response(draw(), media_type="image/png")


def footer(site: Site) -> str:
    d = site.index.ds.dossier
    when = site.index.at or d.as_of
    word = "as it stood on" if site.index.at else "facts as of"
    return (
        f"Policy Option Explorer · {word} {when.day} {when:%B %Y} · revision {site.revision.number}"
        f" · licence {d.licence}"
    )


@router.get("/charts/overview.{ext}")
@cached_page
def overview_file(request: Request, ext: str, site: SiteDep, state: ExploreDep) -> Response:
    explored = explore_with_vetoes(site.index, state)
    shown = explored.result.options
    x, y = state.axes(site.vocab)
    chart = overview(site.index, shown, explored.veto, x, y) if shown else None
    subtitle = " ".join(
        t
        for t in (
            f"{len(shown)} of {len(site.index.options)} options, as filtered."
            if len(shown) < len(site.index.options)
            else "",
            hypotheses_text(site.index, state.assume),
        )
        if t
    )
    here = index_caption(
        site.index, site.revision.number, address(request, "/", state.pairs()), subtitle
    )
    return chart_file(request, chart, ext, f"overview-{x}-{y}", here)


@router.get("/options/{slug}/scores.{ext}", dependencies=[AT_ONLY])
@cached_page
def option_scores_file(request: Request, slug: str, ext: str, site: SiteDep) -> Response:
    option = option_or_404(site, slug)
    here = option_caption(request, site, slug)
    return chart_file(request, option_bars(site.index, option), ext, f"{slug}-scores", here)


@router.get("/options/{slug}/timeline.{ext}", dependencies=[AT_ONLY])
@cached_page
def option_timeline_file(request: Request, slug: str, ext: str, site: SiteDep) -> Response:
    option_or_404(site, slug)
    chart = option_timeline_chart(site.index, slug)
    return chart_file(request, chart, ext, f"{slug}-timeline", option_caption(request, site, slug))


def option_caption(request: Request, site: Site, slug: str) -> Caption:
    at = [("at", str(site.index.at))] if site.index.at else []
    return index_caption(site.index, site.revision.number, address(request, urls.option(slug), at))


@router.get("/options/{slug}/preview.png", dependencies=[AT_ONLY])
@cached_page
def option_preview(request: Request, slug: str, site: SiteDep) -> Response:
    option = option_or_404(site, slug)
    names = {k: s.name for k, s in site.index.stakeholders.items()}
    v = verdict(veto_for(site.index, slug), names)
    card = OptionCard(
        site.index.ds.dossier.title,
        option.title,
        v.status,
        v.text,
        bar_rows(site.index, option),
        footer(site),
        address(request, urls.option(slug)),
    )
    return png(request, card.png)


@router.get("/preview.png", dependencies=[NOTHING])
@cached_page
def site_preview(request: Request, site: SiteDep) -> Response:
    card = replace(home_card(site.index, footer(site)), address=address(request, "/"))
    return png(request, card.png)


@router.get("/compare/ranks.{ext}")
@cached_page
def compare_ranks_file(request: Request, ext: str, site: SiteDep) -> Response:
    state = compare_state(request, site)
    snapshot = comparison_snapshot(site.index, state, revision=site.revision.number)
    here = snapshot_caption(snapshot, address(request, "/compare", state.pairs()))
    name = "rank-chances-" + "-".join(state.o)
    return chart_file(request, ranks_chart(snapshot), ext, name, here)


@router.get("/compare/scores.{ext}", dependencies=[Depends(takes(*SCORES_STATE))])
@cached_page
def compare_scores_file(request: Request, ext: str, site: SiteDep) -> Response:
    """The scores by criterion: no weight changes them, so the address carries none."""
    state = compare_state(request, site)
    snapshot = comparison_snapshot(site.index, state, revision=site.revision.number)
    pairs = [p for p in state.pairs() if p[0] in SCORES_STATE]
    here = snapshot_caption(snapshot, address(request, "/compare", pairs), weights=False)
    name = "scores-" + "-".join(state.o)
    return chart_file(request, snapshot_grouped(snapshot), ext, name, here)


@router.get("/c/{code}/preview.png", dependencies=[NOTHING])
@cached_page
def permalink_preview(request: Request, code: str, site: SiteDep, session: SessionDep) -> Response:
    link = permalink_or_404(request, session, code)
    snap = link.snapshot
    made = link.created_at
    d = snap.dossier
    when = (
        f"facts as of {human(d.as_of)}, revision {link.revision}, frozen {made.day} {made:%B %Y}"
        f" · licence {d.licence}"
    )
    card = comparison_card(snap, f"Policy Option Explorer · {when}")
    card = replace(
        card, address=address(request, urls.permalink(code)), subtitle=snapshot_subtitle(snap)
    )
    return png(request, card.png)


@router.get("/c/{code}/scores/{slug}.{ext}", dependencies=[NOTHING])
@cached_page
def permalink_scores_file(
    request: Request, code: str, slug: str, ext: str, site: SiteDep, session: SessionDep
) -> Response:
    snapshot = permalink_or_404(request, session, code).snapshot
    chart = snapshot_bar(snapshot, slug)
    if chart is None:
        raise NotFound(f"The permanent link {code} does not compare “{slug}”.", field="slug")
    here = snapshot_caption(snapshot, address(request, urls.permalink(code)))
    return chart_file(request, chart, ext, f"{slug}-scores-{code}", here)


# After the preview's route, which this one's pattern would take too.
@router.get("/c/{code}/{kind}.{ext}", dependencies=[NOTHING])
@cached_page
def permalink_chart_file(
    request: Request, code: str, kind: str, ext: str, site: SiteDep, session: SessionDep
) -> Response:
    """A permanent link's rank chances (under its weights) or scores by criterion (under none),
    drawn from its frozen snapshot."""
    if kind not in ("ranks", "scores"):
        raise NotFound(f"There is no chart “{kind}” of a permanent link.", field="kind")
    snapshot = permalink_or_404(request, session, code).snapshot
    ranks = kind == "ranks"
    here = snapshot_caption(snapshot, address(request, urls.permalink(code)), weights=ranks)
    chart = ranks_chart(snapshot) if ranks else snapshot_grouped(snapshot)
    name = f"rank-chances-{code}" if ranks else f"scores-{code}"
    return chart_file(request, chart, ext, name, here)


@router.get("/compare/preview.png")
@cached_page
def compare_preview(request: Request, site: SiteDep) -> Response:
    state = compare_state(request, site)
    snapshot = comparison_snapshot(site.index, state, revision=site.revision.number)
    card = comparison_card(snapshot, footer(site))
    here = address(request, "/compare", state.pairs())
    card = replace(card, address=here, subtitle=snapshot_subtitle(snapshot))
    return png(request, card.png)
