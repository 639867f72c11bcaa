"""Editors' pages: sign-in, proposing a change, the review queue (with readers' reports of
errors), a proposal, the audit trail.
Who may see or send each is decided by app.editing.auth.require alone; none is cached (they
depend on who asks), and each answers `Cache-Control: no-store`."""

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse, Response

from app.dataset import urls
from app.dataset.records import Principal
from app.editing import accounts, forms, proposals, reports
from app.editing.auth import (
    PRE_CSRF_COOKIE,
    SESSION_COOKIE,
    check_pre_csrf,
    require,
)
from app.errors import BadRequest, NotFound, Unauthorized, Unprocessable
from app.serving.deps import option_or_404
from app.serving.render import href, render
from app.serving.site import SessionDep, SiteDep
from app.store import queries
from app.views.report import ReportView

router = APIRouter(include_in_schema=False)
EDITOR_HINT_COOKIE = "editor"
Editor = Annotated[Principal, Depends(require("propose"))]
Reviewer = Annotated[Principal, Depends(require("review"))]
Admin = Annotated[Principal, Depends(require("admin"))]
SignedIn = Annotated[Principal, Depends(require("signed-in"))]
NO_STORE = {"Cache-Control": "no-store"}
ProposalId = Annotated[int, Path(ge=1, le=2**31 - 1)]  # a database integer
ReportId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def client(request: Request) -> str:
    return request.client.host if request.client else ""


def page(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    response = render(request, template, context, status=status)
    response.headers.update(NO_STORE)
    return response


def _secure(request: Request) -> bool:
    return str(request.app.state.settings.public_url).startswith("https://")


def safe_next(target: str) -> str:
    """Only a path on this site: never `//host` or a full address (an open redirect)."""
    ok = target.startswith("/") and not target.startswith(("//", "/\\"))
    return target if ok else "/review"


async def _form(request: Request) -> dict[str, str]:
    """The form's fields; a field sent several times (a multiple choice) joined by commas."""
    out: dict[str, list[str]] = {}
    for k, v in (await request.form()).multi_items():
        if isinstance(v, str):
            out.setdefault(k, []).append(v)
    return {k: ",".join(v) for k, v in out.items()}


# --- signing in and out --------------------------------------------------------------------------


@router.get("/login")
def login_page(request: Request, next: str = "/review") -> Response:
    token = secrets.token_urlsafe(32)
    response = page(request, "login.html", _login_context(token, safe_next(next), "", ""))
    response.set_cookie(
        PRE_CSRF_COOKIE, token, httponly=True, samesite="lax", secure=_secure(request)
    )
    return response


def _login_context(token: str, target: str, name: str, error: str) -> dict[str, Any]:
    return {
        "meta": None,
        "page_title": "Sign in",
        "csrf": token,
        "next": target,
        "name": name,
        "error": error,
    }


@router.post("/login")
async def login(request: Request, session: SessionDep) -> Response:
    await check_pre_csrf(request)
    form = await _form(request)
    name, password = form.get("name", "").strip()[:80], form.get("password", "")
    settings = request.app.state.settings
    limits = (settings.login_attempts, settings.login_client_attempts, settings.login_window)
    target = safe_next(form.get("next", "/review"))
    try:
        secret = accounts.sign_in(
            session,
            name,
            password,
            client=client(request),
            old_secret=request.cookies.get(SESSION_COOKIE),
            limits=limits,
        )
    except Unauthorized as exc:
        token = request.cookies.get(PRE_CSRF_COOKIE, "")
        return page(request, "login.html", _login_context(token, target, name, exc.message), 401)
    response = RedirectResponse(target, 303, headers=NO_STORE)
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=accounts.SESSION_DAYS * 86400,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
    )
    # A hint for static/app.js, not a credential: pages are cached and the same for everyone,
    # so the "propose a change" links show in the browser of someone signed in. Every request
    # that needs a role is still decided by the session, in app.editing.auth.
    response.set_cookie(
        EDITOR_HINT_COOKIE,
        "1",
        max_age=accounts.SESSION_DAYS * 86400,
        samesite="lax",
        secure=_secure(request),
    )
    response.delete_cookie(PRE_CSRF_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep, me: SignedIn) -> Response:
    accounts.sign_out(session, request.cookies.get(SESSION_COOKIE, ""), me, client(request))
    response = RedirectResponse("/", 303, headers=NO_STORE)
    response.delete_cookie(SESSION_COOKIE)
    response.delete_cookie(EDITOR_HINT_COOKIE)
    return response


# --- proposing -----------------------------------------------------------------------------------


def _propose_context(
    site: Any,
    me: Principal,
    slug: str,
    kind: str,
    form: dict[str, str],
    report: ReportView | None = None,
) -> dict[str, Any]:
    option = option_or_404(site, slug)
    if kind not in forms.FORMS:
        raise NotFound(f"There is no form for “{kind}”.", field="kind", allowed=list(forms.FORMS))
    return {
        "meta": site.meta,
        "dates": None,  # an editors' form: no day to choose
        "page_title": f"Propose a change: {option.title}",
        "option": option,
        "kind": kind,
        "me": me,
        "csrf": me.csrf,
        "form": form,
        "base_revision": form.get("base_revision") or str(site.revision.number),
        "stakeholders": [(s.slug, s.name) for s in site.index.stakeholders.values()],
        "bodies": [(b.slug, b.title) for b in site.index.ds.bodies],
        "routes": [(r.slug, r.title) for r in option.routes],
        "criteria": [(c.slug, c.title) for c in site.index.ds.criteria],
        "sources": [(s.id, f"{s.title} ({s.publisher})") for s in site.index.ds.sources],
        "conditions": [(c.slug, c.title) for c in site.index.ds.conditions],
        "errors": {},
        "general": [],
        "preview": None,
        "report": report,
        # The prefills the links between the forms keep (`?kind=score` alone would drop them).
        "keep": [(n, form[f]) for n, f in PREFILL.items() if form.get(f)],
    }


# Prefills a proposal form takes from the page it was opened from (a stakeholder's, a
# source's) or from a reader's report; the `form` field each fills.
PREFILL = {"stakeholder": "stakeholder", "source": "source_id", "report": "report"}


def _report_id(raw: str) -> int | None:
    """The report a form names: None for none; a clear 400 for anything but a number."""
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 9:
        raise BadRequest(f"“{raw[:40]}” is not the number of a reader's report.", field="report")
    return int(raw)


@router.get("/propose")
def propose_start(request: Request, site: SiteDep, session: SessionDep, me: Editor) -> Response:
    """Which option a change is about, for the forms opened from a stakeholder's page, a
    source's page or a reader's report; with `option` given, that option's form."""
    args = {k: v.strip()[:200] for k, v in request.query_params.items()}
    report_id = _report_id(args.get("report", ""))
    report = reports.view(reports.usable(session, report_id)) if report_id else None
    carried = [(k, args[k]) for k in ("kind", *PREFILL) if args.get(k)]
    if slug := args.get("option", ""):
        option_or_404(site, slug)
        return RedirectResponse(href(urls.propose(slug), carried), 303, headers=NO_STORE)
    return page(
        request,
        "propose_start.html",
        {
            "meta": None,  # an editors' page: no date control, no citation
            "page_title": "Propose a change",
            "me": me,
            "csrf": me.csrf,
            "carried": [(k, v) for k, v in carried if k != "kind"],
            "options": [(o.slug, o.title) for o in site.index.ds.options],
            "report": report,
            "subject": _subject(site, args),
        },
    )


def _subject(site: Any, args: dict[str, str]) -> str:
    """The stakeholder or source a form was opened from, by name, for its heading."""
    if (found := site.index.stakeholders.get(args.get("stakeholder", ""))) is not None:
        return str(found.name)
    source = next((s for s in site.index.ds.sources if s.id == args.get("source")), None)
    return str(source.title) if source is not None else ""


@router.get("/options/{slug}/propose")
def propose_page(
    request: Request,
    slug: str,
    site: SiteDep,
    session: SessionDep,
    me: Editor,
    kind: str = "stance",
) -> Response:
    args = request.query_params
    form = {field: args.get(name, "").strip()[:200] for name, field in PREFILL.items()}
    report = None
    if report_id := _report_id(form["report"]):
        report = reports.view(reports.usable(session, report_id))
        form["stakeholder"] = form["stakeholder"] or report.stakeholder
        form["source_id"] = form["source_id"] or report.source
        form["source_url"] = report.source_url  # the source the reader offered
        form["note"] = f"Correction from reader's report {report.id}: "
    ctx = _propose_context(site, me, slug, kind, form, report)
    return page(request, "propose.html", ctx)


@router.post("/options/{slug}/propose")
async def propose(
    request: Request, slug: str, site: SiteDep, session: SessionDep, me: Editor
) -> Response:
    form = await _form(request)
    kind = form.get("kind", "stance")
    report_id = _report_id(form.get("report", "").strip())
    report = reports.view(reports.usable(session, report_id)) if report_id else None
    ctx = _propose_context(site, me, slug, kind, form, report)
    raw = ctx["base_revision"]
    base = int(raw) if raw.isdigit() and len(raw) < 10 else 0  # a database integer, or none
    base_ds = queries.dataset(session, revision=base)
    try:
        if base_ds is None:
            raise Unprocessable(
                "base_revision: unknown", [("general", "the base revision is unknown")]
            )
        if problems := forms.form_problems(kind, form):
            raise Unprocessable("The form has problems", problems)
        patch = forms.FORMS[kind](base_ds, slug, form)
        if "submit" in form:
            note = form.get("note", "")
            row = proposals.propose(session, me, base, note, patch, client(request), report_id)
            assert row.id is not None  # set by the insert
            return RedirectResponse(urls.proposal(row.id), 303, headers=NO_STORE)
        new = proposals.checked(base_ds.model_dump(mode="json"), patch, accounts.now().date())
        ctx["preview"] = proposals.preview(base_ds, new, base)
    except Unprocessable as exc:
        errors: dict[str, list[str]] = {}
        for path, message in exc.problems:
            errors.setdefault(forms.form_field(path), []).append(message)
        # What no field of the form shows goes above the form.
        hidden = ("general", "patch", "base_revision")
        ctx["general"] = [msg for key in hidden for msg in errors.pop(key, [])]
        ctx["errors"] = errors
        return page(request, "propose.html", ctx, status=422)
    return page(request, "propose.html", ctx)


# --- reviewing -----------------------------------------------------------------------------------


@router.get("/review")
def review_queue(request: Request, session: SessionDep, site: SiteDep, me: SignedIn) -> Response:
    """Open proposals, oldest first, and beside them readers' open reports of errors."""
    views = [proposals.describe(session, row) for row in queries.open_proposals(session)]
    return page(
        request,
        "review.html",
        {
            "meta": None,
            "page_title": "Proposals to review",
            "proposals": views,
            "reports": reports.open_reports(session),
            "options": [(o.slug, o.title) for o in site.index.ds.options],
            "can_propose": me.role in accounts.PERMISSIONS["propose"],
            "can_review": me.role in accounts.PERMISSIONS["review"],
            "me": me,
            "csrf": me.csrf,
        },
    )


@router.post("/corrections/{report_id}/resolve")
def resolve_report(
    request: Request, report_id: ReportId, session: SessionDep, me: Reviewer
) -> Response:
    """A reader's report that needs no change to the dossier (or was handled otherwise)."""
    reports.resolve(session, me, report_id, client(request))
    return RedirectResponse("/review", 303, headers=NO_STORE)


@router.get("/proposals/{proposal_id}")
def proposal_page(
    request: Request, proposal_id: ProposalId, session: SessionDep, me: SignedIn
) -> Response:
    view = proposals.describe(session, proposals.get(session, proposal_id))
    return page(
        request,
        "proposal.html",
        {"meta": None, "page_title": f"Proposal {view.id}", "p": view, "me": me, "csrf": me.csrf},
    )


@router.post("/proposals/{proposal_id}/approve")
async def approve(
    request: Request, proposal_id: ProposalId, session: SessionDep, me: Reviewer
) -> Response:
    comment = (await _form(request)).get("comment", "")
    proposals.approve(session, me, proposal_id, comment, client(request))
    return RedirectResponse(urls.proposal(proposal_id), 303, headers=NO_STORE)


@router.post("/proposals/{proposal_id}/reject")
async def reject(
    request: Request, proposal_id: ProposalId, session: SessionDep, me: Reviewer
) -> Response:
    comment = (await _form(request)).get("comment", "")
    proposals.reject(session, me, proposal_id, comment, client(request))
    return RedirectResponse(urls.proposal(proposal_id), 303, headers=NO_STORE)


# --- the audit trail -----------------------------------------------------------------------------


@router.get("/admin/audit")
def audit_page(request: Request, session: SessionDep, me: Admin) -> Response:
    return page(
        request,
        "audit.html",
        {
            "meta": None,
            "page_title": "Audit trail",
            "events": queries.audit_events(session),
            "me": me,
            "csrf": me.csrf,
        },
    )
