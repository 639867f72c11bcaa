"""The pages' JSON and CSV twins, registered by one loop from the page modules (app.pages).

Each twin names its URL, a builder that takes the page's dependencies (app.serving.deps) and
returns the page module's JSON model, and, where the page has one, its CSV table, derived from
that same model. `register` adds `PATH` (JSON) and `PATH.csv` with their documentation, so no
twin is written by hand twice."""

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.analysis.index import veto_for
from app.analysis.timeline import option_timeline
from app.api.openapi import (
    ASSUME,
    AT,
    COMPARE_PARAMS,
    EXPLORE_DOC,
    EXPLORE_PARAMS,
    SOURCE_DOC,
    SOURCE_PARAMS,
    STANCE_DOC,
    STANCE_PARAMS,
    csv_errors,
    errors,
)
from app.dataset.schema import Option
from app.pages import changes as changes_page
from app.pages import compare as compare_page
from app.pages import explore as explore_page
from app.pages import matrix as matrix_page
from app.pages import methodology as methodology_page
from app.pages import option as option_page
from app.pages import source as source_page
from app.pages import sources as sources_page
from app.pages import stakeholder as stakeholder_page
from app.pages import stakeholders as stakeholders_page
from app.pages import veto as veto_page
from app.pages.parts import STANCE_HEADER, Table, stance_rows
from app.serving.csvout import CSVResponse, csv_response
from app.serving.deps import (
    AT_ONLY,
    CompareDep,
    ExploreDep,
    OptionDep,
    SourceDep,
    SourceQueryDep,
    StakeholderDep,
    StanceQueryDep,
)
from app.serving.site import SessionDep, Site, SiteDep
from app.store import history
from app.views import models as api


@dataclass(frozen=True)
class Csv:
    table: Callable[[Any, Site], Table]  # the JSON model (and the site) -> header, rows
    summary: str
    filename: Callable[[Any], str]  # from the JSON model, without ".csv"
    description: str | None = None


@dataclass(frozen=True)
class Twin:
    path: str
    name: str  # the route's name, which the OpenAPI operation id is made from
    tag: str
    summary: str
    build: Callable[..., Any]  # the page's dependencies in, its JSON model out; takes `site`
    model: Any
    codes: tuple[int, ...] = ()  # error statuses besides the shared ones
    params: Sequence[dict[str, Any]] | None = None
    description: str | None = None
    csv: Csv | None = None


def register(router: APIRouter, twins: Sequence[Twin]) -> None:
    for twin in twins:
        extra = {"parameters": list(twin.params)} if twin.params else None
        # A twin whose state parser reads no query refuses all but `at=` (never a silent 200).
        guard = [] if twin.params else [AT_ONLY]
        json_route = {
            "endpoint": twin.build,
            "name": twin.name,
            "tags": [twin.tag],
            "summary": twin.summary,
            "description": twin.description,
            "response_model": twin.model,
            "responses": errors(*twin.codes),
            "openapi_extra": extra,
            "dependencies": guard,
        }
        csv = twin.csv
        if csv is None:
            router.add_api_route(twin.path, **json_route)
            continue
        csv_route = {
            "endpoint": _csv_endpoint(twin.build, csv),
            "name": f"{twin.name}_csv",
            "tags": [twin.tag],
            "summary": csv.summary,
            "description": csv.description,
            "response_class": CSVResponse,
            "responses": csv_errors(*twin.codes),
            "openapi_extra": extra,
            "dependencies": guard,
        }
        # `/x/{slug}.csv` must come before `/x/{slug}`, which would take "slug.csv" as a slug.
        first, second = (csv_route, json_route) if "{" in twin.path else (json_route, csv_route)
        for route in (first, second):
            path = twin.path + (".csv" if route is csv_route else "")
            router.add_api_route(path, **route)


def _csv_endpoint(build: Callable[..., Any], csv: Csv) -> Callable[..., Response]:
    def endpoint(**kwargs: Any) -> Response:
        model = build(**kwargs)
        return csv_response(*csv.table(model, kwargs["site"]), csv.filename(model))

    # FastAPI reads the dependencies from the signature: the same as the JSON builder's.
    endpoint.__signature__ = inspect.signature(build).replace(  # type: ignore[attr-defined]
        return_annotation=Response
    )
    return endpoint


# --- each page's JSON builder: its dependencies in, the page module's model out ----------------


def options(site: SiteDep, state: ExploreDep) -> api.OptionList:
    return explore_page.option_list(site.index, state)


def option(option: OptionDep, site: SiteDep) -> Option:
    return option


def option_veto(option: OptionDep, site: SiteDep, state: ExploreDep) -> api.VetoOut:
    return veto_page.veto(veto_for(site.index, option.slug, state.assume), site.index.at)


def timeline(option: OptionDep, site: SiteDep) -> api.TimelineOut:
    return veto_page.timeline(option_timeline(site.index.ds, option.slug))


def changes(request: Request, session: SessionDep, site: SiteDep) -> api.ChangesOut:
    cache = request.app.state.history
    return changes_page.changes(history.changes(session, site.revision.number, cache))


def criteria(site: SiteDep) -> api.CriterionList:
    return methodology_page.criteria(site.index)


def stakeholders(site: SiteDep) -> api.StakeholderList:
    return stakeholders_page.stakeholders(site.index)


def stakeholder(who: StakeholderDep, site: SiteDep) -> api.StakeholderOut:
    return stakeholder_page.stakeholder(site.index, who.slug)


def stances(site: SiteDep, q: StanceQueryDep) -> api.StanceList:
    return stakeholders_page.stances(site.index, q)


def matrix(site: SiteDep, state: ExploreDep) -> api.MatrixOut:
    return matrix_page.matrix(site.index, state)


def sources(site: SiteDep, q: SourceQueryDep) -> api.SourceList:
    return sources_page.sources(site.index, site.links, q)


def source(source: SourceDep, site: SiteDep) -> api.SourceOut:
    return source_page.source(site.index, site.links, source.id)


def compare(site: SiteDep, state: CompareDep) -> compare_page.CompareExport:
    return compare_page.comparison_json(site.index, state, revision=site.revision.number)


def _stakeholder_stances(model: api.StakeholderOut, _: Site) -> Table:
    # Every stance the stakeholder has taken, history included, option by option.
    return STANCE_HEADER, stance_rows([s for o in model.options for s in o.history])


def _stances(model: api.StanceList, _: Site) -> Table:
    return STANCE_HEADER, stance_rows(model.stances)


V1 = "/api/v1"
OPTIONS = (
    Twin(
        f"{V1}/options",
        "options",
        "options",
        "Options, filtered and sorted",
        options,
        api.OptionList,
        (400,),
        EXPLORE_PARAMS,
        EXPLORE_DOC,
        Csv(
            lambda m, site: explore_page.option_list_table(m, site.index),
            "Options as CSV",
            lambda m: "options",
            EXPLORE_DOC,
        ),
    ),
    Twin(
        f"{V1}/options/{{slug}}",
        "option",
        "options",
        "One option",
        option,
        Option,
        (404,),
        description="The option as the dataset file holds it: attributes, assessments, hurdles, "
        "steps.",
        csv=Csv(
            lambda m, site: option_page.option_table(m, site.index),
            "One option's assessments and hurdles as CSV",
            lambda m: f"option-{m.slug}",
            "One row per criterion assessment, then one per legal hurdle.",
        ),
    ),
    Twin(
        f"{V1}/options/{{slug}}/veto",
        "option_veto",
        "veto",
        "Veto analysis of one option",
        option_veto,
        api.VetoOut,
        (400, 404),
        [ASSUME, AT],
        "Who could block the option, at which decision body, given current (or assumed) stances.",
    ),
    Twin(
        f"{V1}/options/{{slug}}/timeline",
        "option_timeline",
        "veto",
        "Veto status of one option over time",
        timeline,
        api.TimelineOut,
        (404,),
        description="The option's veto status on each date on which a stance of someone on its "
        "decision path,\nor a condition that bars one of its steps, changed; and each such "
        "stakeholder's stances.",
    ),
    Twin(
        f"{V1}/changes",
        "changes",
        "dataset",
        "What each dataset revision changed",
        changes,
        api.ChangesOut,
        description="Every revision, newest first: when it was loaded, its note, and every cell "
        "it changed.",
    ),
)
STAKEHOLDERS = (
    Twin(
        f"{V1}/criteria",
        "criteria",
        "criteria",
        "Criteria",
        criteria,
        api.CriterionList,
        description="The criteria options are scored on, with their 1-5 scales and default "
        "weights.",
        csv=Csv(
            lambda m, site: methodology_page.criteria_table(m),
            "Criteria as CSV",
            lambda m: "criteria",
        ),
    ),
    Twin(
        f"{V1}/stakeholders",
        "stakeholders",
        "stakeholders",
        "Stakeholders",
        stakeholders,
        api.StakeholderList,
        csv=Csv(
            lambda m, site: stakeholders_page.stakeholders_table(m),
            "Stakeholders as CSV",
            lambda m: "stakeholders",
        ),
    ),
    Twin(
        f"{V1}/stakeholders/{{slug}}",
        "stakeholder",
        "stakeholders",
        "One stakeholder",
        stakeholder,
        api.StakeholderOut,
        (404,),
        description="Its seats on decision bodies (and vetoes), and its current stance on every "
        "option.",
        csv=Csv(
            _stakeholder_stances,
            "One stakeholder's stances as CSV",
            lambda m: f"stakeholder-{m.slug}",
            "Every stance the stakeholder has taken, history included.",
        ),
    ),
    Twin(
        f"{V1}/stances",
        "stances",
        "stakeholders",
        "Stances",
        stances,
        api.StanceList,
        (400,),
        STANCE_PARAMS,
        STANCE_DOC,
        Csv(_stances, "Stances as CSV", lambda m: "stances", STANCE_DOC),
    ),
    Twin(
        f"{V1}/matrix",
        "matrix",
        "stakeholders",
        "Stakeholder x option positions",
        matrix,
        api.MatrixOut,
        (400,),
        EXPLORE_PARAMS,
        EXPLORE_DOC,
        Csv(
            lambda m, site: matrix_page.matrix_table(m),
            "Stakeholder x option positions as CSV",
            lambda m: "matrix",
            EXPLORE_DOC,
        ),
    ),
)
SOURCES = (
    Twin(
        f"{V1}/sources",
        "sources",
        "sources",
        "Sources, filtered",
        sources,
        api.SourceList,
        (400,),
        SOURCE_PARAMS,
        SOURCE_DOC,
        Csv(
            lambda m, site: sources_page.sources_table(m),
            "Sources as CSV, filtered",
            lambda m: "sources",
            SOURCE_DOC,
        ),
    ),
    Twin(
        f"{V1}/sources/{{source_id}}",
        "source",
        "sources",
        "One source",
        source,
        api.SourceOut,
        (404,),
        description="The source, its link check and every claim that cites it.",
        csv=Csv(
            lambda m, site: source_page.claims_table(m),
            "The claims citing one source, as CSV",
            lambda m: f"source-{m.id}",
        ),
    ),
)
TWINS = (*OPTIONS, *STAKEHOLDERS, *SOURCES)
# Registered apart, beside the permanent links (app.api.routes), where the spec lists it. Its CSV
# is `/compare.csv`, a download the page serves under its own path (app.web.compare).
COMPARE = (
    Twin(
        f"{V1}/compare",
        "compare",
        "compare",
        "Compare options",
        compare,
        compare_page.CompareExport,
        (400,),
        COMPARE_PARAMS,
        "The comparison as /compare.json serves it: rows by group, weighted ranking, sensitivity,"
        "\nthe chance of each rank.",
    ),
)
