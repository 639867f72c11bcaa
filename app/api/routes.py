"""JSON API over the same state parser, queries and analysis as the pages."""

from typing import Any

from fastapi import APIRouter, Request

from app import queries
from app.analysis.explore import explore
from app.analysis.veto import VetoAnalysis, analyse_all, analyse_option, parse_assumptions
from app.db import SessionDep
from app.errors import NotFound
from app.state import parse_explore, suggest
from app.web.site import Site, SiteDep

router = APIRouter()


@router.get("/healthz", tags=["health"])
def healthz(session: SessionDep) -> dict[str, Any]:
    """Liveness plus the dataset revision (null before the first load)."""
    rev = queries.current_revision(session)
    return {
        "status": "ok",
        "revision": rev.number if rev else None,
        "content_hash": rev.content_hash if rev else None,
    }


def _option(site: Site, slug: str):  # type: ignore[no-untyped-def]
    option = site.index.options.get(slug)
    if option is None:
        raise NotFound(
            f"unknown option {slug!r}",
            field="slug",
            suggestions=[(s, s) for s in suggest(slug, site.index.options)],
        )
    return option


def veto_json(v: VetoAnalysis) -> dict[str, Any]:
    return {
        "option": v.option,
        "status": v.status,
        "hypothetical": v.hypothetical,
        "steps": [
            {
                "body": s.body,
                "title": s.title,
                "rule": s.rule,
                "action": s.action,
                "status": s.status,
                "reason": s.reason,
                "veto_holders": list(s.veto_holders),
                "blockers": list(s.blockers),
                "uncertain": list(s.uncertain),
                "supporters": list(s.supporters),
            }
            for s in v.steps
        ],
        "blockers": [b.stakeholder for b in v.blockers],
        "uncertain": list(v.uncertain),
    }


@router.get("/api/v1/revision", tags=["dataset"])
def revision(site: SiteDep) -> dict[str, Any]:
    return {
        "revision": site.revision.number,
        "content_hash": site.revision.content_hash,
        "loaded_at": site.revision.loaded_at.isoformat(),
        "dossier": site.index.ds.dossier.model_dump(mode="json"),
    }


@router.get("/api/v1/options", tags=["options"])
def options(request: Request, site: SiteDep) -> dict[str, Any]:
    state = parse_explore(request.query_params.multi_items(), site.vocab)
    assume = parse_assumptions(state.assume)
    veto = {slug: v.status for slug, v in analyse_all(site.index.ds, assume=assume).items()}
    result = explore(site.index, state, veto, assume)
    return {
        "query": state.query(),
        "count": len(result.options),
        "total": result.total,
        "options": [
            {
                "slug": o.slug,
                "title": o.title,
                "category": o.category,
                "status": o.status,
                "summary": o.summary,
                "scores": {k: a.score for k, a in o.assessments.items()},
                "veto": veto[o.slug],
            }
            for o in result.options
        ],
    }


@router.get("/api/v1/options/{slug}", tags=["options"])
def option(slug: str, site: SiteDep) -> dict[str, Any]:
    return _option(site, slug).model_dump(mode="json")


@router.get("/api/v1/options/{slug}/veto", tags=["veto"])
def option_veto(request: Request, slug: str, site: SiteDep) -> dict[str, Any]:
    _option(site, slug)
    state = parse_explore(request.query_params.multi_items(), site.vocab)
    assume = parse_assumptions(state.assume)
    return veto_json(analyse_option(site.index.ds, slug, current=site.index.current, assume=assume))
