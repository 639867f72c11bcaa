"""What the page routes share: the canonical redirect, the date control, the links to a
page's JSON and CSV twins, and the parts of a comparison that no weight changes (the compare
page and a permanent link)."""

from collections.abc import Iterable
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from markupsafe import Markup

from app.analysis.snapshot import Snapshot
from app.pages.parts import DateControl, date_control, proposal_floor
from app.serving.render import href, part
from app.serving.site import Site
from app.state import CompareState, ExploreState
from app.views.charts import snapshot_grouped


def not_canonical(request: Request, query: str) -> Response | None:
    """Full-page requests with a non-canonical query are redirected, so equal states share a URL."""
    if request.headers.get("hx-request") == "true":
        return None
    if request.url.query != query:
        return RedirectResponse(href(request.url.path) + (f"?{query}" if query else ""), 302)
    return None


def dated(
    site: Site, path: str, state: ExploreState | CompareState, options: Iterable[str] = ()
) -> DateControl:
    """The page's date control: its state kept, and no earlier than its options' proposals."""
    chosen = [site.index.options[s] for s in (*state.o, *options) if s in site.index.options]
    return date_control(path, state.pairs(), site.meta, floor=proposal_floor(chosen))


def alternates(path: str, pairs: list[tuple[str, str]] | None = None) -> dict[str, str]:
    """The JSON and CSV twins of a page, served by the API with the same query."""
    return {"json": href(path, pairs or []), "csv": href(path + ".csv", pairs or [])}


def at_pair(site: Site) -> list[tuple[str, str]]:
    """`at=` as the site resolved it, to keep in the links of a page that takes it."""
    return [("at", site.index.at.isoformat())] if site.index.at else []


COMPARISON_PARTS = ("_comparison_rows.html", "_comparison_sources.html", "_comparison_bars.html")


def comparison_parts(
    request: Request, snap: Snapshot, key: tuple[object, ...], urls: dict[str, str]
) -> dict[str, Markup]:
    """What no weight changes, rendered once per `key`: the scores chart, the table body and
    the bibliography. The key must name everything they show but the weights (site version,
    options, hypotheses, day shown, today); none of them carries a weight in a link or form."""
    return {
        "comparison_rows": part(request, "_comparison_rows.html", {"snap": snap}, key=key),
        "comparison_sources": part(request, "_comparison_sources.html", {"snap": snap}, key=key),
        # The chart is drawn only when the part is not kept already.
        "comparison_bars": part(
            request,
            "_comparison_bars.html",
            lambda: {"snap": snap, "chart": snapshot_grouped(snap), "urls": urls},
            key=key,
        ),
    }


def json_download(data: dict[str, Any], name: str) -> Response:
    """A comparison's JSON, named for saving (the compare page's and a permanent link's)."""
    return JSONResponse(data, headers={"Content-Disposition": f'inline; filename="{name}.json"'})


async def form_items(request: Request) -> list[tuple[str, str]]:
    """A posted form's fields, files left out (a permanent link's state, a report)."""
    form = await request.form()
    return [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
