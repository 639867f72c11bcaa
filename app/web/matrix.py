"""The stance matrix, `/matrix`."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.analysis.explore import explore_with_vetoes, position
from app.analysis.index import veto_for
from app.pages import matrix
from app.serving.deps import ExploreDep
from app.serving.render import cached_page, href, render
from app.serving.site import SiteDep
from app.web.frame import alternates, dated, not_canonical
from app.web.labels import describe_pair

router = APIRouter(include_in_schema=False)


@router.get("/matrix")
@cached_page
def matrix_page(request: Request, site: SiteDep, state: ExploreDep) -> Response:
    if redirect := not_canonical(request, state.query()):
        return redirect
    explored = explore_with_vetoes(site.index, state)
    result, assume = explored.result, explored.assume
    people = [
        s
        for s in site.index.stakeholders.values()
        if any((s.slug, o) in site.index.history for o in site.index.options)
    ]
    cells = {
        (p.slug, o.slug): position(site.index, p.slug, o.slug, assume)
        for p in people
        for o in result.options
    }
    vetoes = {o.slug: veto_for(site.index, o.slug, state.assume) for o in result.options}
    return render(
        request,
        "matrix.html",
        {
            "notes": matrix.matrix_cells(site.index, result.options, people, vetoes),
            "meta": site.meta,
            "view": matrix.matrix(site.index, state),
            "state": state,
            "result": result,
            "people": people,
            "cells": cells,
            "assume": assume,
            "pairs": state.pairs(),
            "veto": explored.veto,
            "page_title": "Stance matrix",
            "describe": lambda n, v: describe_pair(site.index, n, v),
            "exports": {**alternates("/api/v1/matrix", state.pairs()), "in_page": True},
            "dates": dated(site, "/matrix", state),
        },
        block="results",
        push_url=href("/matrix", state.pairs()),
    )
