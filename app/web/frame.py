"""What the page routes share: the canonical redirect, the date control, and the links to a
page's JSON and CSV twins."""

from collections.abc import Iterable

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from app.pages.parts import DateControl, date_control, proposal_floor
from app.serving.render import href
from app.serving.site import Site
from app.state import CompareState, ExploreState


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
