"""JSON API (and CSV twins) over the same state parser, index and analysis as the pages.

Routes stay thin: a dependency parses the state or resolves the slug (raising NotFound once),
app.views.present builds the answer, and the response model documents and checks it."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response

from app.analysis.compare import comparison_snapshot
from app.analysis.index import veto_for
from app.analysis.timeline import option_timeline as option_timeline_of
from app.api import apidocs
from app.dataset.schema import Dataset, Option
from app.errors import NoDataset, NotFound, no_such
from app.serving.csvout import CSV_CONTENT, CSVResponse, csv_response
from app.serving.render import render
from app.serving.site import SessionDep, Site, SiteDep, get_site
from app.state import (
    CODE_RE,
    FILTERS,
    CompareState,
    ExploreState,
    SourceQuery,
    StanceQuery,
    parse_compare,
    parse_explore,
    parse_sources,
    parse_stances,
    suggest,
)
from app.store import history, queries
from app.views import datapackage, present
from app.views import models as api
from app.views.compare import CompareExport, export

router = APIRouter()

# --- documented responses and parameters -------------------------------------------------------


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """Error responses in the shared shape. "4XX" covers the rest (405, 413) and keeps FastAPI
    from advertising a 422 that the app never sends (validation errors answer 400)."""
    text = {400: "A malformed or unknown parameter", 404: "No such slug; close matches suggested"}
    out: dict[int | str, dict[str, Any]] = {
        c: {"model": api.ErrorResponse, "description": text[c]} for c in codes
    }
    out["4XX"] = {"model": api.ErrorResponse, "description": "Any other client error"}
    out[503] = {"model": api.ErrorResponse, "description": "No dataset is loaded yet"}
    return out


def _csv_errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    # Errors stay JSON on CSV routes: name the media type, or FastAPI would document text/csv.
    ref = {"$ref": "#/components/schemas/ErrorResponse"}
    errors: dict[int | str, dict[str, Any]] = {
        code: {"description": r["description"], "content": {"application/json": {"schema": ref}}}
        for code, r in _errors(*codes).items()
    }
    return {**CSV_CONTENT, **errors}


def _param(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


ASSUME = _param(
    "assume",
    {"type": "string"},
    "Hypotheses, comma-separated: `stakeholder:position` with position -2..2 or unknown "
    "(e.g. `hu:0`) overrides a recorded stance; `condition:lifted` (e.g. "
    "`martial-law-ua:lifted`) switches a condition off.",
)
AT = _param(
    "at",
    {"type": "string", "format": "date"},
    "`YYYY-MM-DD`: the dossier as it stood that day (latest stance at or before it, conditions "
    "then in force). From the first record to today.",
)
# Each filter documents itself in the registry; prefixed ones (attr., min., stance.) are
# described in the text, since OpenAPI has no parameter families.
EXPLORE_PARAMS = [
    *(f.doc for f in FILTERS if not f.prefix),
    AT,
    _param(
        "sort",
        {"type": "string"},
        "`title`, `veto` or a criterion slug; a leading `-` sorts descending. Without it: "
        "veto status (clear first), then the first criterion (best first), then title.",
    ),
    ASSUME,
]
EXPLORE_DOC = (
    "Takes the same filters as the explore page `/`, parsed by the same parser, so equal "
    "filters give an equal canonical `query`. Besides the parameters listed: "
    + ", ".join(f.doc["description"] for f in FILTERS if f.prefix)
    + ". An unknown parameter or value is answered 400, naming the parameter."
)
STANCE_PARAMS = [
    _param("stakeholder", {"type": "array", "items": {"type": "string"}}, "Repeatable slug."),
    _param("option", {"type": "array", "items": {"type": "string"}}, "Repeatable slug."),
    _param("since", {"type": "string", "format": "date"}, "YYYY-MM-DD, inclusive."),
    _param("until", {"type": "string", "format": "date"}, "YYYY-MM-DD, inclusive."),
]
STANCE_DOC = (
    "Every recorded stance, history included, each marked `current` when it is the latest of "
    "its stakeholder on its option. A date range leaves out undated (unknown) stances."
)
SOURCE_PARAMS = [
    _param("q", {"type": "string"}, "Words, each found in the title, publisher, author or notes."),
    _param("option", {"type": "string"}, "An option slug: the sources its claims cite."),
    _param("publisher", {"type": "string"}, "A publisher, exactly as listed."),
    _param("kind", {"type": "string", "enum": ["primary", "secondary"]}, "Primary or secondary."),
    _param("year", {"type": "string", "pattern": "^[0-9]{4}$"}, "Year of publication, YYYY."),
]
SOURCE_DOC = (
    "The bibliography, with the number of citing claims and the last link check; the same "
    "filters as the sources page. An unknown parameter or value is answered 400, naming it."
)
COMPARE_PARAMS = [
    {
        **_param("o", {"type": "string"}, "2 to 6 option slugs, comma-separated, in column order."),
        "required": True,
    },
    _param("w", {"type": "string"}, "Weights `criterion:0..5,...`; defaults are left out."),
    ASSUME,
    AT,
]

# --- dependencies: parse once, resolve slugs once ------------------------------------------------


def explore_state(request: Request, site: SiteDep) -> ExploreState:
    return parse_explore(request.query_params.multi_items(), site.vocab)


def compare_state(request: Request, site: SiteDep) -> CompareState:
    return parse_compare(request.query_params.multi_items(), site.vocab)


def stance_query(request: Request, site: SiteDep) -> StanceQuery:
    return parse_stances(request.query_params.multi_items(), site.vocab)


def source_query(request: Request, site: SiteDep) -> SourceQuery:
    return parse_sources(request.query_params.multi_items(), site.vocab)


def _not_found(what: str, field: str, value: str, choices: Any) -> NotFound:
    return NotFound(
        no_such(what, value),
        field=field,
        suggestions=[(s, s) for s in suggest(value, choices)],
    )


def option_dep(slug: Annotated[str, Path(description="Option slug")], site: SiteDep) -> Option:
    site.check_proposed(slug)
    option = site.index.options.get(slug)
    if option is None:
        raise _not_found("option called", "slug", slug, site.index.options)
    return option


def stakeholder_dep(
    slug: Annotated[str, Path(description="Stakeholder slug")], site: SiteDep
) -> str:
    if slug not in site.index.stakeholders:
        raise _not_found("stakeholder called", "slug", slug, site.index.stakeholders)
    return slug


def source_dep(source_id: Annotated[str, Path(description="Source id")], site: SiteDep) -> str:
    if source_id not in site.index.sources:
        raise _not_found("source with the id", "source_id", source_id, site.index.sources)
    return source_id


def optional_site(request: Request) -> Site | None:
    try:
        return get_site(request)
    except NoDataset:
        return None


ExploreDep = Annotated[ExploreState, Depends(explore_state)]
CompareDep = Annotated[CompareState, Depends(compare_state)]
StanceQueryDep = Annotated[StanceQuery, Depends(stance_query)]
SourceQueryDep = Annotated[SourceQuery, Depends(source_query)]
OptionDep = Annotated[Option, Depends(option_dep)]
StakeholderDep = Annotated[str, Depends(stakeholder_dep)]
SourceDep = Annotated[str, Depends(source_dep)]

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
    responses=_errors(),
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
    responses=_errors(),
)
def dataset(site: SiteDep) -> Dataset:
    """The whole dataset in the schema of the YAML dataset file, as JSON."""
    return site.index.ds


# --- options -------------------------------------------------------------------------------------


@router.get(
    "/api/v1/options",
    tags=["options"],
    summary="Options, filtered and sorted",
    description=EXPLORE_DOC,
    response_model=api.OptionList,
    responses=_errors(400),
    openapi_extra={"parameters": EXPLORE_PARAMS},
)
def options(site: SiteDep, state: ExploreDep) -> api.OptionList:
    return present.option_list(site.index, state)


@router.get(
    "/api/v1/options.csv",
    tags=["options"],
    summary="Options as CSV",
    description=EXPLORE_DOC,
    response_class=CSVResponse,
    responses=_csv_errors(400),
    openapi_extra={"parameters": EXPLORE_PARAMS},
)
def options_csv(site: SiteDep, state: ExploreDep) -> Response:
    return csv_response(
        *present.option_list_table(present.option_list(site.index, state), site.index), "options"
    )


@router.get(
    "/api/v1/options/{slug}.csv",
    tags=["options"],
    summary="One option's assessments and hurdles as CSV",
    response_class=CSVResponse,
    responses=_csv_errors(404),
)
def option_csv(option: OptionDep, site: SiteDep) -> Response:
    """One row per criterion assessment, then one per legal hurdle."""
    return csv_response(*present.option_table(option, site.index), f"option-{option.slug}")


@router.get(
    "/api/v1/options/{slug}",
    tags=["options"],
    summary="One option",
    response_model=Option,
    responses=_errors(404),
)
def option(option: OptionDep) -> Option:
    """The option as the dataset file holds it: attributes, assessments, hurdles, steps."""
    return option


@router.get(
    "/api/v1/options/{slug}/veto",
    tags=["veto"],
    summary="Veto analysis of one option",
    response_model=api.VetoOut,
    responses=_errors(400, 404),
    openapi_extra={"parameters": [ASSUME, AT]},
)
def option_veto(option: OptionDep, site: SiteDep, state: ExploreDep) -> api.VetoOut:
    """Who could block the option, at which decision body, given current (or assumed) stances."""
    return present.veto(veto_for(site.index, option.slug, state.assume), site.index.at)


@router.get(
    "/api/v1/options/{slug}/timeline",
    tags=["veto"],
    summary="Veto status of one option over time",
    response_model=api.TimelineOut,
    responses=_errors(404),
)
def option_timeline(option: OptionDep, site: SiteDep) -> api.TimelineOut:
    """The option's veto status on each date on which a stance of someone on its decision path,
    or a condition that bars one of its steps, changed; and each such stakeholder's stances."""
    return present.timeline(option_timeline_of(site.index.ds, option.slug))


@router.get(
    "/api/v1/changes",
    tags=["dataset"],
    summary="What each dataset revision changed",
    response_model=api.ChangesOut,
    responses=_errors(),
)
def changes(request: Request, session: SessionDep, site: SiteDep) -> api.ChangesOut:
    """Every revision, newest first: when it was loaded, its note, and every cell it changed."""
    cache = request.app.state.history
    return present.changes(history.changes(session, site.revision.number, cache))


# --- criteria, stakeholders, stances, matrix ----------------------------------------------------


@router.get(
    "/api/v1/criteria",
    tags=["criteria"],
    summary="Criteria",
    response_model=api.CriterionList,
    responses=_errors(),
)
def criteria(site: SiteDep) -> api.CriterionList:
    """The criteria options are scored on, with their 1-5 scales and default weights."""
    return present.criteria(site.index)


@router.get(
    "/api/v1/criteria.csv",
    tags=["criteria"],
    summary="Criteria as CSV",
    response_class=CSVResponse,
    responses=_csv_errors(),
)
def criteria_csv(site: SiteDep) -> Response:
    return csv_response(*present.criteria_table(present.criteria(site.index)), "criteria")


@router.get(
    "/api/v1/stakeholders",
    tags=["stakeholders"],
    summary="Stakeholders",
    response_model=api.StakeholderList,
    responses=_errors(),
)
def stakeholders(site: SiteDep) -> api.StakeholderList:
    return present.stakeholders(site.index)


@router.get(
    "/api/v1/stakeholders.csv",
    tags=["stakeholders"],
    summary="Stakeholders as CSV",
    response_class=CSVResponse,
    responses=_csv_errors(),
)
def stakeholders_csv(site: SiteDep) -> Response:
    table = present.stakeholders_table(present.stakeholders(site.index))
    return csv_response(*table, "stakeholders")


@router.get(
    "/api/v1/stakeholders/{slug}.csv",
    tags=["stakeholders"],
    summary="One stakeholder's stances as CSV",
    response_class=CSVResponse,
    responses=_csv_errors(404),
)
def stakeholder_csv(slug: StakeholderDep, site: SiteDep) -> Response:
    """Every stance the stakeholder has taken, history included."""
    found = present.stances(site.index, StanceQuery(stakeholder=(slug,)))
    return csv_response(
        present.STANCE_HEADER, present.stance_rows(found.stances), f"stakeholder-{slug}"
    )


@router.get(
    "/api/v1/stakeholders/{slug}",
    tags=["stakeholders"],
    summary="One stakeholder",
    response_model=api.StakeholderOut,
    responses=_errors(404),
)
def stakeholder(slug: StakeholderDep, site: SiteDep) -> api.StakeholderOut:
    """Its seats on decision bodies (and vetoes), and its current stance on every option."""
    return present.stakeholder(site.index, slug)


@router.get(
    "/api/v1/stances",
    tags=["stakeholders"],
    summary="Stances",
    description=STANCE_DOC,
    response_model=api.StanceList,
    responses=_errors(400),
    openapi_extra={"parameters": STANCE_PARAMS},
)
def stances(site: SiteDep, q: StanceQueryDep) -> api.StanceList:
    return present.stances(site.index, q)


@router.get(
    "/api/v1/stances.csv",
    tags=["stakeholders"],
    summary="Stances as CSV",
    description=STANCE_DOC,
    response_class=CSVResponse,
    responses=_csv_errors(400),
    openapi_extra={"parameters": STANCE_PARAMS},
)
def stances_csv(site: SiteDep, q: StanceQueryDep) -> Response:
    found = present.stances(site.index, q)
    return csv_response(present.STANCE_HEADER, present.stance_rows(found.stances), "stances")


@router.get(
    "/api/v1/matrix",
    tags=["stakeholders"],
    summary="Stakeholder x option positions",
    description=EXPLORE_DOC,
    response_model=api.MatrixOut,
    responses=_errors(400),
    openapi_extra={"parameters": EXPLORE_PARAMS},
)
def matrix(site: SiteDep, state: ExploreDep) -> api.MatrixOut:
    return present.matrix(site.index, state)


@router.get(
    "/api/v1/matrix.csv",
    tags=["stakeholders"],
    summary="Stakeholder x option positions as CSV",
    description=EXPLORE_DOC,
    response_class=CSVResponse,
    responses=_csv_errors(400),
    openapi_extra={"parameters": EXPLORE_PARAMS},
)
def matrix_csv(site: SiteDep, state: ExploreDep) -> Response:
    return csv_response(*present.matrix_table(present.matrix(site.index, state)), "matrix")


# --- sources -------------------------------------------------------------------------------------


@router.get(
    "/api/v1/sources",
    tags=["sources"],
    summary="Sources, filtered",
    description=SOURCE_DOC,
    response_model=api.SourceList,
    responses=_errors(400),
    openapi_extra={"parameters": SOURCE_PARAMS},
)
def sources(site: SiteDep, q: SourceQueryDep) -> api.SourceList:
    return present.sources(site.index, site.links, q)


@router.get(
    "/api/v1/sources.csv",
    tags=["sources"],
    summary="Sources as CSV, filtered",
    description=SOURCE_DOC,
    response_class=CSVResponse,
    responses=_csv_errors(400),
    openapi_extra={"parameters": SOURCE_PARAMS},
)
def sources_csv(site: SiteDep, q: SourceQueryDep) -> Response:
    found = present.sources(site.index, site.links, q)
    return csv_response(*present.sources_table(found), "sources")


@router.get(
    "/api/v1/sources/{source_id}.csv",
    tags=["sources"],
    summary="The claims citing one source, as CSV",
    response_class=CSVResponse,
    responses=_csv_errors(404),
)
def source_csv(source_id: SourceDep, site: SiteDep) -> Response:
    found = present.source(site.index, site.links, source_id)
    return csv_response(*present.claims_table(found), f"source-{source_id}")


@router.get(
    "/api/v1/sources/{source_id}",
    tags=["sources"],
    summary="One source",
    response_model=api.SourceOut,
    responses=_errors(404),
)
def source(source_id: SourceDep, site: SiteDep) -> api.SourceOut:
    """The source, its link check and every claim that cites it."""
    return present.source(site.index, site.links, source_id)


# --- data package --------------------------------------------------------------------------------


@router.get(
    "/data/datapackage.json",
    tags=["data"],
    summary="Frictionless Data Package descriptor",
    responses=_errors(400),
    openapi_extra={"parameters": [AT]},
)
def data_package(request: Request, site: SiteDep) -> dict[str, Any]:
    """The tidy tables under /data/ (options, criteria, scores, stakeholders, stances, sources)
    with their schemas, keys, licence, data date and revision: https://datapackage.org."""
    home = request.app.state.settings.public_url.rstrip("/") + "/"
    return datapackage.descriptor(
        site.index, site.revision.number, site.revision.loaded_at, home, site.index.at
    )


def _data_table(name: Annotated[str, Path(description="A table of the data package")]) -> str:
    if name not in datapackage.BY_NAME:
        raise _not_found("table called", "name", name, datapackage.BY_NAME)
    return name


@router.get(
    "/data/{name}.csv",
    tags=["data"],
    summary="One table of the data package, as CSV",
    response_class=CSVResponse,
    responses=_csv_errors(400, 404),
    openapi_extra={"parameters": [AT]},
)
def data_csv(name: Annotated[str, Depends(_data_table)], site: SiteDep) -> Response:
    """One row per fact, typed columns (see /data/datapackage.json for the schema)."""
    table = datapackage.BY_NAME[name]
    return csv_response(table.header, table.rows(site.index, site.links), name)


# --- compare and permalinks ----------------------------------------------------------------------


@router.get(
    "/api/v1/compare",
    tags=["compare"],
    summary="Compare options",
    response_model=CompareExport,
    responses=_errors(400),
    openapi_extra={"parameters": COMPARE_PARAMS},
)
def compare(site: SiteDep, state: CompareDep) -> CompareExport:
    """The comparison as /compare.json serves it: rows by group, weighted ranking, sensitivity,
    the chance of each rank."""
    return export(comparison_snapshot(site.index, state, revision=site.revision.number))


@router.get(
    "/api/v1/permalinks/{code}",
    tags=["compare"],
    summary="A permanent link",
    response_model=api.PermalinkOut,
    responses=_errors(404),
)
def permalink(
    code: Annotated[str, Path(description="The code in /c/{code}")], session: SessionDep
) -> api.PermalinkOut:
    """The comparison frozen when the link was made, with its state and dataset revision."""
    link = queries.permalink(session, code=code) if CODE_RE.match(code) else None
    if link is None:
        raise NotFound(f"unknown permanent link {code!r}", field="code")
    return api.PermalinkOut(
        code=link.code,
        href=f"/c/{link.code}",
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
