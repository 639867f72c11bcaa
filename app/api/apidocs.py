"""The OpenAPI spec flattened for the server-rendered /api/docs page (no script, no CDN)."""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from app.serving.site import Site

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Param:
    name: str
    where: str
    required: bool
    type: str
    description: str


@dataclass(frozen=True)
class Reply:
    status: str
    description: str
    media: str
    schema: str
    ref: str | None  # the component schema's name, to link to its description


@dataclass(frozen=True)
class Field:
    name: str
    required: bool
    type: str
    description: str


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    anchor: str
    summary: str
    description: str
    tag: str
    params: list[Param]
    replies: list[Reply]
    example: str | None


def _type(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "enum" in schema:
        return "one of " + ", ".join(str(v) for v in schema["enum"])
    if schema.get("type") == "array":
        return f"array of {_type(schema.get('items', {}))}"
    if "anyOf" in schema:
        return " or ".join(_type(s) for s in schema["anyOf"])
    text = str(schema.get("type", "any"))
    if "format" in schema:
        text += f" ({schema['format']})"
    if "minimum" in schema and "maximum" in schema:
        text += f" {schema['minimum']}–{schema['maximum']}"
    return text


def _examples(site: Site | None) -> dict[str, str]:
    """Real slugs from the loaded dataset, so every example link answers 200."""
    if site is None:
        return {}
    ix = site.index
    with_stances = [who for who, _ in ix.history] or list(ix.stakeholders)
    out = {
        "/api/v1/options/{slug}": next(iter(ix.options), ""),
        "/api/v1/stakeholders/{slug}": with_stances[0] if with_stances else "",
        "/api/v1/sources/{source_id}": next(iter(ix.sources), ""),
    }
    return {k: v for k, v in out.items() if v}


def _example(path: str, site: Site | None, examples: dict[str, str]) -> str | None:
    base = path.removesuffix(".csv").removesuffix("/veto")
    if "{" in base:
        if base not in examples:
            return None
        name = base[base.index("{") : base.index("}") + 1]
        path = path.replace(name, examples[base])
    if site is not None and path.startswith("/api/v1/compare"):
        return f"{path}?o={','.join(list(site.index.options)[:2])}"
    if site is not None and path.startswith("/api/v1/stances") and site.index.history:
        who = next(iter(site.index.history))[0]
        return f"{path}?{urlencode([('stakeholder', who)])}"
    if path.startswith("/api/v1/compare"):
        return None  # needs real option slugs
    return path


def operations(spec: dict[str, Any], site: Site | None) -> list[Operation]:
    examples = _examples(site)
    out = []
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = [
                Param(
                    p["name"],
                    p["in"],
                    bool(p.get("required")),
                    _type(p.get("schema", {})),
                    p.get("description", ""),
                )
                for p in op.get("parameters", [])
            ]
            replies = []
            for status, resp in op.get("responses", {}).items():
                content = resp.get("content") or {"": {}}
                for media, body in content.items():
                    schema = body.get("schema") or {}
                    ref = schema["$ref"].rsplit("/", 1)[-1] if "$ref" in schema else None
                    replies.append(
                        Reply(status, resp.get("description", ""), media, _type(schema), ref)
                    )
            out.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    anchor=f"{method}-{path.strip('/').replace('/', '-')}".translate(
                        str.maketrans("", "", "{}.")
                    ),
                    summary=op.get("summary", ""),
                    description=op.get("description", ""),
                    tag=(op.get("tags") or ["other"])[0],
                    params=params,
                    replies=replies,
                    example=_example(path, site, examples) if method == "get" else None,
                )
            )
    return out


def schemas(spec: dict[str, Any]) -> list[tuple[str, list[Field]]]:
    """Component schemas by name, each with its fields."""
    out = []
    for name, schema in sorted(spec.get("components", {}).get("schemas", {}).items()):
        required = set(schema.get("required", []))
        fields = [
            Field(f, f in required, _type(s), s.get("description", ""))
            for f, s in schema.get("properties", {}).items()
        ]
        out.append((name, fields))
    return out
