"""`/report`: "Report an error", a form any page links to with its own address. No account:
the rate limit (app.web.middleware.rate_limit), a spam trap and the same-origin check
(SameOrigin) keep it from being flooded; editors read the reports with `explorer corrections`."""

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from app.serving.render import href, render
from app.serving.site import SessionDep, SiteDep
from app.store import queries
from app.views.report import LIMITS, TRAP, ReportForm, check_report, site_path
from app.web.frame import form_items
from app.web.guards import takes

router = APIRouter(include_in_schema=False)


def _form(request: Request, site: SiteDep, form: ReportForm, status: int = 200) -> Response:
    return render(
        request,
        "report.html",
        {
            "meta": site.meta,
            "dates": None,  # a form, not a view of the data: no day to choose
            "page_title": "Report an error",
            "form": form,
            "limits": LIMITS,
            "trap": TRAP,
        },
        status=status,
    )


@router.get("/report", dependencies=[Depends(takes("page", "cell"))])
def report_form(request: Request, site: SiteDep) -> Response:
    page = request.query_params.get("page", "")
    values = {"page": page if site_path(page) else "", "cell": request.query_params.get("cell", "")}
    return _form(request, site, ReportForm({k: v[: LIMITS[k]] for k, v in values.items()}))


@router.post("/report")
def send_report(
    request: Request,
    site: SiteDep,
    session: SessionDep,
    items: Annotated[list[tuple[str, str]], Depends(form_items)],
) -> Response:
    form = check_report(items)
    if form.errors:
        return _form(request, site, form, status=400)
    if not form.trapped:
        queries.add_correction(
            session,
            page=form.get("page"),
            cell=form.get("cell"),
            text=form.get("text"),
            source_url=form.get("source_url") or None,
            email=form.get("email") or None,
            now=dt.datetime.now(dt.UTC),
        )
    # A filled trap gets the same answer: a robot learns nothing from it.
    return RedirectResponse(href("/report/sent", [("page", form.get("page"))]), status_code=303)


@router.get("/report/sent", dependencies=[Depends(takes("page"))])
def report_sent(request: Request, site: SiteDep) -> Response:
    page = request.query_params.get("page", "")
    return render(
        request,
        "report_sent.html",
        {
            "meta": site.meta,
            "dates": None,
            "page_title": "Thank you",
            "back": page if site_path(page) else "/",
        },
    )
