"""Permanent links: `POST /c` freezes a comparison; `/c/{code}` shows it (with what changed in
the data since), `/c/{code}.csv` and `.json` download it, and `/embed/c/{code}` is its ranking
for an iframe on another site. Each page is built by app.pages.permalink from the link's own
snapshot, never from today's data."""

import base64
import datetime as dt
import hmac
from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from app.analysis.compare import comparison_snapshot
from app.analysis.snapshot import Snapshot
from app.dataset import urls
from app.pages import compare, permalink
from app.pages.parts import date_control, proposal_floor
from app.serving import metrics
from app.serving.csvout import csv_response
from app.serving.deps import PermalinkDep
from app.serving.render import cached_page, render
from app.serving.site import SessionDep, Site, SiteDep
from app.state import BadParam, parse_compare
from app.store import permalinks, queries
from app.web.frame import comparison_parts, form_items, json_download
from app.web.guards import takes
from app.web.middleware.security_headers import FRAMEABLE

router = APIRouter(include_in_schema=False)


def permalink_code(secret: str, revision: int, query: str) -> str:
    """Content-addressed within a deployment: the same state on the same revision gets the same
    code. Keyed by the deployment's secret (N9), so nobody can compute a code and probe
    whether a comparison was saved; links made before keep their codes, which are stored."""
    digest = hmac.new(secret.encode(), f"{revision}\n{query}".encode(), "sha256").digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:12]


def permalink_secret(request: Request, session: SessionDep) -> str:
    """APP_PERMALINK_SECRET, else the one kept in the database; read once per process."""
    state = request.app.state
    if not getattr(state, "permalink_secret", None):
        configured = state.settings.permalink_secret
        state.permalink_secret = configured or queries.deployment_secret(
            session, key="permalink_secret"
        )
    return str(state.permalink_secret)


@router.post("/c")
def create_permalink(
    request: Request,
    site: SiteDep,
    session: SessionDep,
    items: Annotated[list[tuple[str, str]], Depends(form_items)],
) -> Response:
    # A plain def: FastAPI runs it in the threadpool, so a write waiting for SQLite's lock
    # does not stall the event loop (and every other request with it).
    state = parse_compare(items, site.vocab)
    site = site.at(state.at)  # the form, not the URL, carries `at` here
    state = parse_compare(items, site.vocab)  # refuses options not yet proposed on that day
    query = state.query()
    code = permalink_code(permalink_secret(request, session), site.revision.number, query)
    shown = comparison_snapshot(site.index, state, revision=site.revision.number)
    made = dt.datetime.now(dt.UTC)
    try:
        created = queries.save_permalink(
            session,
            link=permalinks.new_row(
                code=code, state=query, revision=site.revision.number, made=made, shown=shown
            ),
            caches=request.app.state.permalinks,
            hourly_cap=request.app.state.settings.permalink_hourly_cap,
        )
    except queries.CapReached:
        metrics.permalink_refused("hourly_cap")
        raise
    if created:
        metrics.permalink_created()
    return RedirectResponse(urls.permalink(code), status_code=303)


@router.get("/c/{code}.csv")
def permalink_csv(code: str, link: PermalinkDep) -> Response:
    table = compare.table(link.snapshot)
    return csv_response([str(h) for h in table[0]], table[1:], f"comparison-{code}")


@router.get("/c/{code}.json")
def permalink_json(code: str, link: PermalinkDep) -> Response:
    return json_download(permalink.json_data(code, link.snapshot), f"comparison-{code}")


def _public_url(request: Request) -> str:
    return str(request.app.state.settings.public_url)


def _today(request: Request, site: Site, link: permalinks.Link) -> permalink.PermalinkPage:
    """The link's page, with the same state on today's data: it may no longer parse if options
    or criteria went away."""
    items = parse_qsl(link.state, keep_blank_values=True)
    public_url = _public_url(request)
    try:
        live = parse_compare(items, site.vocab)
        # On its day (`at=`), the current data may know an option as not yet proposed.
        then = site.at(live.at)
        live = parse_compare(items, then.vocab)
    except BadParam as exc:
        missing = f"The current data cannot show this comparison any more: {exc.message}."
        return permalink.build(
            link.code, link.snapshot, link.created_at, public_url=public_url, live=None,
            missing=missing,
        )  # fmt: skip
    fresh: Snapshot | None = None
    if site.revision.number != link.revision:
        fresh = comparison_snapshot(then.index, live, revision=site.revision.number)
    return permalink.build(
        link.code, link.snapshot, link.created_at, public_url=public_url,
        live=parse_qsl(link.state), fresh=fresh,
    )  # fmt: skip


@router.get("/c/{code}", dependencies=[Depends(takes())])
@cached_page
def permalink_page(request: Request, code: str, site: SiteDep, link: PermalinkDep) -> Response:
    page = _today(request, site, link)
    frozen = link.snapshot
    return render(
        request,
        "permalink.html",
        {
            "meta": site.meta,
            "page": page,
            **comparison_parts(request, frozen, ("link", code), page.chart_urls["scores"]),
            # The frozen page has no day of its own to change: the control opens the
            # comparison on today's data, as it stood on the day chosen.
            "dates": date_control(
                compare.PATH,
                parse_qsl(link.state, keep_blank_values=True),
                site.meta,
                floor=proposal_floor(
                    o for s in frozen.options if (o := site.index.options.get(s.slug))
                ),
            ),
            "og": page.og,
            "og_image": page.og_image,
            "page_title": page.og["title"],
            "exports": page.exports,
        },
    )


@router.get("/embed/c/{code}", dependencies=[Depends(takes())])
@cached_page
def permalink_embed(request: Request, code: str, site: SiteDep, link: PermalinkDep) -> Response:
    """The frozen comparison's ranking, for an iframe on another site: the only pages that
    may be framed (FRAMEABLE relaxes frame-ancestors for this response alone)."""
    page = permalink.build(
        code, link.snapshot, link.created_at, public_url=_public_url(request), live=None
    )
    response = render(
        request,
        "embed.html",
        {"meta": site.meta, "page": page, "og": page.og, "page_title": page.og["title"]},
    )
    response.headers.update(FRAMEABLE)
    return response
