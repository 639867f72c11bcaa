"""JSON API: health, the dataset, the pages' JSON and CSV twins (registered from the page modules
by app.api.twins), the data package, the comparison and permanent links, and the API's docs.

Routes stay thin: a dependency (app.serving.deps) parses the state or resolves the slug, raising
NotFound once, a page module builds the answer, and the response model documents and checks it."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response

from app.api import apidocs
from app.api.openapi import AT, csv_errors, errors
from app.api.twins import COMPARE, TWINS, register
from app.dataset import urls
from app.dataset.schema import Dataset
from app.errors import NoDataset, NotFound
from app.pages import data
from app.pages import permalink as permalink_page
from app.pages.compare import export
from app.serving.csvout import CSVResponse, csv_response
from app.serving.deps import resolve
from app.serving.render import render
from app.serving.site import SessionDep, Site, SiteDep, get_site
from app.state import CODE_RE
from app.store import queries
from app.views import models as api

router = APIRouter()


def optional_site(request: Request) -> Site | None:
    try:
        return get_site(request)
    except NoDataset:
        return None


# --- health and dataset --------------------------------------------------------------------------


@router.get("/healthz", tags=["health"], summary="Liveness", response_model=api.Health)
def healthz(session: SessionDep) -> api.Health:
    """Liveness plus the dataset revision (null before the first load)."""
    rev = queries.current_revision(session)
    return api.Health(
        status="ok",
        revision=rev.number if rev else None,
        content_hash=rev.content_hash if rev else None,
    )


@router.get(
    "/api/v1/revision",
    tags=["dataset"],
    summary="Dataset revision",
    response_model=api.RevisionOut,
    responses=errors(),
)
def revision(site: SiteDep) -> api.RevisionOut:
    """The loaded dataset's revision number, content hash and dossier."""
    return api.RevisionOut(
        revision=site.revision.number,
        content_hash=site.revision.content_hash,
        loaded_at=site.revision.loaded_at,
        dossier=site.index.ds.dossier,
    )


@router.get(
    "/api/v1/dataset",
    tags=["dataset"],
    summary="The whole dataset",
    response_model=Dataset,
    responses=errors(),
)
def dataset(site: SiteDep) -> Dataset:
    """The whole dataset in the schema of the YAML dataset file, as JSON."""
    return site.index.ds


register(router, TWINS)


# --- data package --------------------------------------------------------------------------------


@router.get(
    "/data/datapackage.json",
    tags=["data"],
    summary="Frictionless Data Package descriptor",
    responses=errors(400),
    openapi_extra={"parameters": [AT]},
)
def data_package(request: Request, site: SiteDep) -> dict[str, Any]:
    """The tidy tables under /data/ (options, criteria, scores, stakeholders, stances, sources)
    with their schemas, keys, licence, data date and revision: https://datapackage.org."""
    home = request.app.state.settings.public_url.rstrip("/") + "/"
    return data.descriptor(
        site.index, site.revision.number, site.revision.loaded_at, home, site.index.at
    )


def _data_table(name: Annotated[str, Path(description="A table of the data package")]) -> str:
    resolve(
        data.BY_NAME,
        name,
        what="table called",
        field="name",
        label=lambda t: t.name,
        href=urls.data_table,
    )
    return name


@router.get(
    "/data/{name}.csv",
    tags=["data"],
    summary="One table of the data package, as CSV",
    response_class=CSVResponse,
    responses=csv_errors(400, 404),
    openapi_extra={"parameters": [AT]},
)
def data_csv(name: Annotated[str, Depends(_data_table)], site: SiteDep) -> Response:
    """One row per fact, typed columns (see /data/datapackage.json for the schema)."""
    table = data.BY_NAME[name]
    return csv_response(table.header, table.rows(site.index, site.links), name)


# --- compare and permalinks ----------------------------------------------------------------------


register(router, COMPARE)


@router.get(
    "/api/v1/permalinks/{code}",
    tags=["compare"],
    summary="A permanent link",
    response_model=permalink_page.PermalinkOut,
    responses=errors(404),
)
def permalink(
    request: Request,
    code: Annotated[str, Path(description="The code in /c/{code}")],
    session: SessionDep,
) -> permalink_page.PermalinkOut:
    """The comparison frozen when the link was made, with its state and dataset revision."""
    caches = request.app.state.permalinks
    link = queries.permalink(session, code=code, caches=caches) if CODE_RE.match(code) else None
    if link is None:
        raise NotFound(f"unknown permanent link {code!r}", field="code")
    return permalink_page.PermalinkOut(
        code=link.code,
        href=urls.permalink(link.code),
        state=link.state,
        revision=link.revision,
        created_at=link.created_at,
        snapshot=export(link.snapshot),
    )


# --- documentation -------------------------------------------------------------------------------


@router.get("/api/docs", include_in_schema=False)
def api_docs(request: Request, site: Annotated[Site | None, Depends(optional_site)]) -> Response:
    """The OpenAPI spec as a server-rendered page: no script, nothing from another host."""
    spec = request.app.openapi()
    return render(
        request,
        "api_docs.html",
        {
            "meta": site.meta if site else None,
            "page_title": "API",
            "exports": None,
            "operations": apidocs.operations(spec, site),
            "schemas": apidocs.schemas(spec),
        },
    )
