"""What the API's documentation says of its routes: the error responses, in the shared shape, and
the query parameters of each family of routes (OpenAPI has no parameter families, so prefixed
filters are described in words)."""

from typing import Any

from app.serving.csvout import CSV_CONTENT
from app.state import FILTERS
from app.views import models as api


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """Error responses in the shared shape. "4XX" covers the rest (405, 413) and keeps FastAPI
    from advertising a 422 that the app never sends (validation errors answer 400)."""
    text = {400: "A malformed or unknown parameter", 404: "No such slug; close matches suggested"}
    out: dict[int | str, dict[str, Any]] = {
        c: {"model": api.ErrorResponse, "description": text[c]} for c in codes
    }
    out["4XX"] = {"model": api.ErrorResponse, "description": "Any other client error"}
    out[503] = {"model": api.ErrorResponse, "description": "No dataset is loaded yet"}
    return out


def csv_errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    # Errors stay JSON on CSV routes: name the media type, or FastAPI would document text/csv.
    ref = {"$ref": "#/components/schemas/ErrorResponse"}
    json_errors: dict[int | str, dict[str, Any]] = {
        code: {"description": r["description"], "content": {"application/json": {"schema": ref}}}
        for code, r in errors(*codes).items()
    }
    return {**CSV_CONTENT, **json_errors}


def param(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


ASSUME = param(
    "assume",
    {"type": "string"},
    "Hypotheses, comma-separated: `stakeholder:position` with position -2..2 or unknown "
    "(e.g. `hu:0`) overrides a recorded stance; `condition:lifted` (e.g. "
    "`martial-law-ua:lifted`) switches a condition off.",
)
AT = param(
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
    param(
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
    param("stakeholder", {"type": "array", "items": {"type": "string"}}, "Repeatable slug."),
    param("option", {"type": "array", "items": {"type": "string"}}, "Repeatable slug."),
    param("since", {"type": "string", "format": "date"}, "YYYY-MM-DD, inclusive."),
    param("until", {"type": "string", "format": "date"}, "YYYY-MM-DD, inclusive."),
]
STANCE_DOC = (
    "Every recorded stance, history included, each marked `current` when it is the latest of "
    "its stakeholder on its option. A date range leaves out undated (unknown) stances."
)
SOURCE_PARAMS = [
    param("q", {"type": "string"}, "Words, each found in the title, publisher, author or notes."),
    param("option", {"type": "string"}, "An option slug: the sources its claims cite."),
    param("publisher", {"type": "string"}, "A publisher, exactly as listed."),
    param("kind", {"type": "string", "enum": ["primary", "secondary"]}, "Primary or secondary."),
    param("year", {"type": "string", "pattern": "^[0-9]{4}$"}, "Year of publication, YYYY."),
]
SOURCE_DOC = (
    "The bibliography, with the number of citing claims and the last link check; the same "
    "filters as the sources page. An unknown parameter or value is answered 400, naming it."
)
COMPARE_PARAMS = [
    {
        **param("o", {"type": "string"}, "2 to 6 option slugs, comma-separated, in column order."),
        "required": True,
    },
    param("w", {"type": "string"}, "Weights `criterion:0..5,...`; defaults are left out."),
    ASSUME,
    AT,
]
