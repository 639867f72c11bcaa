"""Compare pages, permanent links and their exports. Each route: parse -> analysis -> render.

Every view of a comparison renders from one typed snapshot (app.analysis.snapshot), so the
live page, a permalink and the CSV/JSON exports cannot disagree."""

import base64
import datetime as dt
import hmac
from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse, Response
from markupsafe import Markup

from app.analysis.compare import (
    comparison_snapshot,
    diff_snapshots,
    fixed_part_built,
    snapshot_table,
)
from app.analysis.snapshot import Snapshot
from app.dataset.vocabulary import VetoStatus
from app.errors import NotFound
from app.pages.parts import date_control, proposal_floor
from app.serving import metrics
from app.serving.csvout import csv_response
from app.serving.render import cached_page, href, part, part_kept, render, wants_fragment
from app.serving.site import LoopSiteDep, SessionDep, Site, SiteDep
from app.state import (
    CODE_RE,
    MAX_COMPARE,
    MIN_COMPARE,
    BadParam,
    CompareState,
    parse_compare,
)
from app.store import permalinks, queries
from app.views.charts import snapshot_grouped
from app.views.compare import CompareView, chances_table, compare_view, export
from app.views.picker import compare_picker
from app.web.frame import dated, not_canonical
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


def parse_state(request: Request, site: Site) -> CompareState:
    return parse_compare(request.query_params.multi_items(), site.vocab)


def _controls(state: CompareState, site: Site) -> dict[str, Any]:
    """Links and choices that edit the comparison, each built from the canonical state so that
    weights and hypotheses follow and the URL stays canonical."""

    # Every link differs only in `o=`, which comes first: the rest is encoded once.
    tail = href("", state.pairs()[1:]).removeprefix("?")

    def link(order: list[str]) -> str:
        if not order:
            return href("/compare", state.with_options(order).pairs())
        first = href("/compare", [("o", ",".join(order))])
        return f"{first}&{tail}" if tail else first

    o = list(state.o)
    columns = {}
    for i, slug in enumerate(o):
        left, right = o[:], o[:]
        if i > 0:
            left[i - 1], left[i] = left[i], left[i - 1]
        if i < len(o) - 1:
            right[i + 1], right[i] = right[i], right[i + 1]
        rest = [s for s in o if s != slug]
        columns[slug] = {
            # Below the minimum, the compare page is a picker that keeps the rest.
            "remove": link(rest),
            "left": link(left) if i > 0 else None,
            "right": link(right) if i < len(o) - 1 else None,
        }
    addable = [
        (",".join([*o, opt.slug]), opt.title)
        for opt in site.index.options.values()
        if opt.slug not in o
    ]
    return {
        "columns": columns,
        "addable": addable if len(o) < MAX_COMPARE else [],
        "fields": dict(state.pairs()),
    }


def og_text(snapshot: Snapshot, view: CompareView | None = None) -> dict[str, str]:
    titles = [o.title for o in snapshot.options]
    rows = (view or compare_view(snapshot)).rows
    ranked = [r for r in rows if r.rank is not None]
    if ranked:
        desc = "Ranking by weighted score: " + "; ".join(
            f"{r.rank}. {r.title} ({VetoStatus(r.status).label.lower()})" for r in ranked
        )
        desc += "."
    else:
        desc = "No option is ranked under these weights."
    if snapshot.assume:
        desc += " Includes hypothetical stances."
    return {"title": "Compare: " + " vs ".join(titles), "description": desc}


# What the scores chart's address keeps of a comparison's state: no weight changes it.
SCORES_STATE = ("o", "assume", "at")


def chart_urls(ranks: str, pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Where the comparison's charts download: the rank chances at `ranks` (.svg, .png), the
    scores by criterion beside it, without the weights."""
    base = ranks.rsplit("/", 1)[0]
    kept = [p for p in pairs if p[0] in SCORES_STATE]
    return {
        "ranks": {"svg": href(ranks + ".svg", pairs), "png": href(ranks + ".png", pairs)},
        "scores": {ext: href(f"{base}/scores.{ext}", kept) for ext in ("svg", "png")},
    }


FIXED = ("_comparison_rows.html", "_comparison_sources.html", "_comparison_bars.html")


def fixed_parts(
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


def picker_page(request: Request, site: Site, state: CompareState) -> Response:
    """Fewer than two options: not an error but a form to choose them, keeping the rest."""
    return render(
        request,
        "compare_picker.html",
        {
            "meta": site.meta,
            "picker": compare_picker(site.index, state),
            "dates": dated(site, "/compare", state),
            "page_title": "Choose options to compare",
        },
    )


def _fixed_key(site: Site, state: CompareState) -> tuple[object, ...]:
    return ("compare", site.version, state.o, state.assume, state.at, dt.date.today())


def _page_state(request: Request, site: Site) -> CompareState:
    """The page's state, parsed once per request (`_warm` asks first, then the page)."""
    state = getattr(request.state, "compare_state", None)
    if state is None:
        state = parse_compare(request.query_params.multi_items(), site.vocab, fewest=0)
        request.state.compare_state = state
    assert isinstance(state, CompareState)
    return state


def _warm(request: Request, site: Site) -> bool:
    """Whether the page needs nothing built but what the weights change: a few milliseconds of
    work, cheaper here than handed to a thread (a thread hop costs about as much)."""
    try:
        state = _page_state(request, site)
    except BadParam:
        return True  # the error page
    if len(state.o) < MIN_COMPARE:
        return True
    if not fixed_part_built(site.index, state, revision=site.revision.number):
        return False
    key = _fixed_key(site, state)
    return wants_fragment(request) or all(part_kept(request, t, key) for t in FIXED)


@router.get("/compare")
async def compare_page(request: Request, site: LoopSiteDep) -> Response:
    # A comparison seen before, under new weights, runs on the event loop; a new one, whose
    # table and sources must be built and rendered, in the threadpool like any page.
    if _warm(request, site):
        return _compare_page(request=request, site=site)
    return await run_in_threadpool(_compare_page, request=request, site=site)


@cached_page
def _compare_page(request: Request, site: Site) -> Response:
    state = _page_state(request, site)
    if redirect := not_canonical(request, state.query()):
        return redirect
    if len(state.o) < MIN_COMPARE:
        return picker_page(request, site, state)
    snapshot = comparison_snapshot(site.index, state, revision=site.revision.number)
    cv = compare_view(snapshot)
    og = og_text(snapshot, cv)
    urls = chart_urls("/compare/ranks", state.pairs())
    fixed_key = _fixed_key(site, state)
    return render(
        request,
        "compare.html",
        {
            "meta": site.meta,
            "snap": snapshot,
            # The same under every weighting: rendered once per options and hypotheses, and
            # not even looked up for an htmx weight change, which leaves them in place.
            **(
                {}
                if wants_fragment(request)
                else fixed_parts(request, snapshot, fixed_key, urls["scores"])
            ),
            "controls": _controls(state, site),
            "dates": dated(site, "/compare", state),
            "cv": cv,
            "chart_urls": urls,
            "og": og,
            "og_image": href("/compare/preview.png", state.pairs()),
            "page_title": og["title"],
            "exports": {
                "csv": href("/compare.csv", state.pairs()),
                "json": href("/compare.json", state.pairs()),
                "in_page": True,  # the ranking block carries its own, weight-aware links
            },
        },
        block="ranking",
        push_url=href("/compare", state.pairs()),
    )


def _csv(snapshot: Snapshot, name: str) -> Response:
    table = snapshot_table(snapshot)
    # The chances follow the ranking; the licence and sources stay last.
    at = next(i for i, row in enumerate(table) if row[0] == "licence")
    table[at:at] = chances_table(snapshot)
    return csv_response([str(h) for h in table[0]], table[1:], name)


def _json(data: dict[str, Any], name: str) -> Response:
    return JSONResponse(data, headers={"Content-Disposition": f'inline; filename="{name}.json"'})


@router.get("/compare.csv")
def compare_csv(request: Request, site: SiteDep) -> Response:
    state = parse_state(request, site)
    snapshot = comparison_snapshot(site.index, state, revision=site.revision.number)
    return _csv(snapshot, "comparison-" + "-".join(state.o))


@router.get("/compare.json")
def compare_json(request: Request, site: SiteDep) -> Response:
    state = parse_state(request, site)
    snapshot = comparison_snapshot(site.index, state, revision=site.revision.number)
    return _json(export(snapshot).json_data(), "comparison-" + "-".join(state.o))


async def form_items(request: Request) -> list[tuple[str, str]]:
    form = await request.form()
    return [(k, v) for k, v in form.multi_items() if isinstance(v, str)]


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
            hourly_cap=request.app.state.settings.permalink_hourly_cap,
        )
    except queries.CapReached:
        metrics.permalink_refused("hourly_cap")
        raise
    if created:
        metrics.permalink_created()
    return RedirectResponse(f"/c/{code}", status_code=303)


def link_or_404(session: SessionDep, code: str) -> permalinks.Link:
    link = queries.permalink(session, code=code) if CODE_RE.match(code) else None
    if link is None:
        raise NotFound(
            f"There is no permanent link with the code “{code}”. Check that it was copied whole.",
            field="code",
            back=("Start a new comparison from all options", "/"),
        )
    return link


@router.get("/c/{code}.csv")
def permalink_csv(code: str, session: SessionDep) -> Response:
    return _csv(link_or_404(session, code).snapshot, f"comparison-{code}")


@router.get("/c/{code}.json")
def permalink_json(code: str, session: SessionDep) -> Response:
    link = link_or_404(session, code)
    data = {**export(link.snapshot).json_data(), "permalink": f"/c/{code}"}
    return _json(data, f"comparison-{code}")


@router.get("/c/{code}", dependencies=[Depends(takes())])
@cached_page
def permalink_page(request: Request, code: str, site: SiteDep, session: SessionDep) -> Response:
    link = link_or_404(session, code)
    frozen = link.snapshot
    # The same state on today's data; it may no longer parse if options or criteria went away.
    missing: str | None = None
    changes = []
    items = parse_qsl(link.state, keep_blank_values=True)
    try:
        live = parse_compare(items, site.vocab)
        # On its day (`at=`), the current data may know an option as not yet proposed.
        then = site.at(live.at)
        live = parse_compare(items, then.vocab)
    except BadParam as exc:
        missing = f"The current data cannot show this comparison any more: {exc.message}."
    else:
        if site.revision.number != link.revision:
            fresh = comparison_snapshot(then.index, live, revision=site.revision.number)
            changes = diff_snapshots(frozen, fresh)
    cv = compare_view(frozen)
    og = og_text(frozen, cv)
    urls = chart_urls(f"/c/{code}/ranks", [])
    return render(
        request,
        "permalink.html",
        {
            "meta": site.meta,
            "snap": frozen,
            **fixed_parts(request, frozen, ("link", code), urls["scores"]),
            "controls": None,
            # The frozen page has no day of its own to change: the control opens the
            # comparison on today's data, as it stood on the day chosen.
            "dates": date_control(
                "/compare",
                items,
                site.meta,
                floor=proposal_floor(
                    o for s in frozen.options if (o := site.index.options.get(s.slug))
                ),
            ),
            "link": link,
            "code": code,
            "url": f"{request.app.state.settings.public_url.rstrip('/')}/c/{code}",
            "live": None if missing else href("/compare", parse_qsl(link.state)),
            "missing": missing,
            "changes": changes,
            "og": og,
            "og_image": f"/c/{code}/preview.png",
            "cv": cv,
            "chart_urls": urls,
            "embed_url": f"{request.app.state.settings.public_url.rstrip('/')}/embed/c/{code}",
            "page_title": og["title"],
            "exports": {"csv": f"/c/{code}.csv", "json": f"/c/{code}.json", "in_page": True},
        },
    )


@router.get("/embed/c/{code}", dependencies=[Depends(takes())])
@cached_page
def permalink_embed(request: Request, code: str, site: SiteDep, session: SessionDep) -> Response:
    """The frozen comparison's ranking, for an iframe on another site: the only pages that
    may be framed (FRAMEABLE relaxes frame-ancestors for this response alone)."""
    link = link_or_404(session, code)
    frozen = link.snapshot
    cv = compare_view(frozen)
    response = render(
        request,
        "embed.html",
        {
            "meta": site.meta,
            "snap": frozen,
            "cv": cv,
            "link": link,
            "code": code,
            "url": f"{request.app.state.settings.public_url.rstrip('/')}/c/{code}",
            "og": og_text(frozen, cv),
            "page_title": og_text(frozen, cv)["title"],
        },
    )
    response.headers.update(FRAMEABLE)
    return response
