"""The changes page, `/changes`, and its Atom feed."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.dataset.text import xml_text
from app.pages import changes
from app.serving.deps import AT_ONLY
from app.serving.render import cached_page, environment, render
from app.serving.site import SessionDep, SiteDep
from app.store import history as revision_history
from app.web.frame import alternates

router = APIRouter(include_in_schema=False)


@router.get("/changes", dependencies=[AT_ONLY])
@cached_page
def changes_page(request: Request, site: SiteDep, session: SessionDep) -> Response:
    revisions = revision_history.changes(session, site.revision.number, request.app.state.history)
    return render(
        request,
        "changes.html",
        {
            "meta": site.meta,
            "page": changes.build(revisions),
            "page_title": "What changed",
            "exports": alternates("/api/v1/changes"),
        },
    )


@router.get("/changes.atom", dependencies=[AT_ONLY])
@cached_page
def changes_feed(request: Request, site: SiteDep, session: SessionDep) -> Response:
    revisions = revision_history.changes(session, site.revision.number, request.app.state.history)
    body = (
        environment(str(request.app.state.settings.templates_dir))
        .get_template("changes.atom")
        .render(
            meta=site.meta,
            revisions=revisions,
            # Feed readers resolve the entries' relative links against this.
            public_url=request.app.state.settings.public_url.rstrip("/"),
            feed_id=f"urn:policy-option-explorer:{site.index.ds.dossier.slug}:changes",
        )
    )
    # Defence in depth: a character XML cannot carry would make the whole feed unreadable.
    return Response(xml_text(body), media_type="application/atom+xml; charset=utf-8")
