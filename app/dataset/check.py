"""Validate a dataset file and report every problem at once, each with file, line and field path."""

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from app.dataset.dates import PartialDate
from app.dataset.schema import Dataset
from app.dataset.text import text_problem

Loc = tuple[str | int, ...]
MAX_FILE_BYTES = 2_000_000  # the bundled dataset is 150 KB
# Values in the file once YAML aliases are expanded: a 483-byte "alias bomb" expands to
# billions. The bundled dataset has about 7,000.
MAX_VALUES = 500_000
# libyaml when PyYAML was built with it (parses many times faster), else the Python parser.
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Problem:
    path: Loc
    message: str
    line: int | None = None

    def field(self) -> str:
        out = ""
        for part in self.path:
            out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
        return out or "(file)"

    def format(self, filename: str) -> str:
        where = f"{filename}:{self.line}" if self.line else filename
        return f"{where} {self.field()}: {self.message}"


class DatasetInvalid(Exception):
    def __init__(self, filename: str, problems: list[Problem]) -> None:
        self.filename = filename
        self.problems = problems
        super().__init__(self.report())

    def report(self) -> str:
        return "\n".join(p.format(self.filename) for p in self.problems)


@dataclass(frozen=True)
class Parsed:
    raw: Any
    lines: dict[Loc, int]
    problems: list[Problem]


def _walk(node: yaml.Node, loc: Loc, lines: dict[Loc, int], problems: list[Problem]) -> None:
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            k = key.value
            if isinstance(key, yaml.ScalarNode) and (bad := text_problem(k)):
                problems.append(Problem((*loc, ascii(k)), f"key {bad}", key.start_mark.line + 1))
            if k in seen:
                problems.append(Problem((*loc, k), "duplicate key", key.start_mark.line + 1))
            seen.add(k)
            # Point at the key's line: that is where an author looks for the field.
            lines[(*loc, k)] = key.start_mark.line + 1
            _walk(value, (*loc, k), lines, problems)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*loc, i), lines, problems)
    elif bad := text_problem(node.value):  # e.g. YAML's "\0" or "\f" escapes
        problems.append(Problem(loc, bad, node.start_mark.line + 1))


def _expanded_size(root: yaml.Node) -> Problem | None:
    """Count the values the node graph stands for with every alias expanded, without expanding
    anything: each node is sized once, from the sizes of its children. Returns the problem
    with the line of the first node that is too big or contains itself."""
    size: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    open_: set[int] = set()
    while stack:
        node, children_done = stack.pop()
        if isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        else:
            children = []
        line = node.start_mark.line + 1
        if children_done:
            open_.discard(id(node))
            size[id(node)] = 1 + sum(size[id(c)] for c in children)
            if size[id(node)] > MAX_VALUES:
                msg = f"YAML aliases expand this to more than {MAX_VALUES:,} values"
                return Problem((), msg, line)
            continue
        if id(node) in size:
            continue
        if id(node) in open_:
            return Problem((), "a YAML alias refers to a value that contains it", line)
        open_.add(id(node))
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in size)
    return None


def parse_text(text: str) -> Parsed:
    lines: dict[Loc, int] = {}
    problems: list[Problem] = []
    loader = Loader(text)
    try:
        node = loader.get_single_node()
        bomb = _expanded_size(node) if node is not None else None
        if bomb is not None:
            return Parsed(None, {}, [bomb])
        raw = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        return Parsed(
            None, {}, [Problem((), f"not valid YAML: {getattr(exc, 'problem', exc)}", line)]
        )
    except RecursionError:
        return Parsed(None, {}, [Problem((), "not valid YAML here: nested too deeply", None)])
    finally:
        loader.dispose()
    if node is not None:
        _walk(node, (), lines, problems)
    if not isinstance(raw, dict):
        problems.append(
            Problem((), "the file must be a YAML mapping with dossier, criteria, ...", 1)
        )
    return Parsed(raw, lines, problems)


def _line(lines: dict[Loc, int], loc: Loc) -> int | None:
    for n in range(len(loc), -1, -1):
        if loc[:n] in lines:
            return lines[loc[:n]]
    return None


def _message(err: dict[str, Any]) -> str:
    msg = str(err["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    if err["type"] == "missing":
        return "is required"
    if err["type"] == "extra_forbidden":
        return "unknown field (check its spelling against the format)"
    if err["type"] == "too_short":
        n = err["ctx"]["min_length"]
        return f"needs at least {n} entr{'y' if n == 1 else 'ies'}"
    if err["type"] == "literal_error":
        return f"must be one of {err['ctx']['expected']}"
    return msg


def _clean_loc(loc: tuple[Any, ...]) -> Loc:
    # Pydantic adds union-member and validator names to locations; authors need only fields.
    out: list[str | int] = []
    for part in loc:
        if isinstance(part, str) and (
            part.startswith("function-") or part in {"int", "str", "bool", "float", "date"}
        ):
            continue
        if isinstance(part, str) and "[" in part:
            continue
        out.append(part)
    return tuple(out)


def _as_list(v: Any) -> list[Any]:
    return v if isinstance(v, list) else []


def _as_dict(v: Any) -> dict[str, Any]:
    return v if isinstance(v, dict) else {}


def _semantic(raw: dict[str, Any]) -> Iterator[Problem]:
    """Cross-references, duplicates and dates, checked on the raw data so that they are reported
    alongside field errors rather than after them."""
    keyed = {
        "criteria": "slug",
        "attributes": "slug",
        "stakeholders": "slug",
        "bodies": "slug",
        "sources": "id",
        "disputes": "slug",
        "conditions": "slug",
        "options": "slug",
    }
    known: dict[str, set[str]] = {}
    for section, key in keyed.items():
        items = _as_list(raw.get(section))
        counts = Counter(_as_dict(i).get(key) for i in items)
        known[section] = {k for k in counts if isinstance(k, str)}
        for i, item in enumerate(items):
            k = _as_dict(item).get(key)
            if k is not None and counts[k] > 1:
                yield Problem((section, i, key), f"duplicate {key} {k!r}")

    as_of = _as_dict(raw.get("dossier")).get("as_of")
    if isinstance(as_of, str):  # data that came as JSON (a proposal), not YAML
        try:
            as_of = dt.date.fromisoformat(as_of)
        except ValueError:
            as_of = None  # the field check reports it

    def after_as_of(loc: Loc, value: Any) -> Iterator[Problem]:
        try:
            day = PartialDate.parse(value).first_day if value is not None else None
        except ValueError:
            return  # the field check reports the malformed date
        if isinstance(as_of, dt.date) and day is not None and day > as_of:
            yield Problem(loc, f"date {value} is after the dossier's as_of {as_of}")

    for clash in sorted(known["conditions"] & known["stakeholders"]):
        yield Problem(
            ("conditions",),
            f"{clash!r} names both a condition and a stakeholder; assume= needs them apart",
        )

    def ref(loc: Loc, value: Any, section: str, what: str) -> Iterator[Problem]:
        if isinstance(value, str) and value not in known[section]:
            yield Problem(loc, f"unknown {what} {value!r}")

    def cites(loc: Loc, value: Any) -> Iterator[Problem]:
        for j, c in enumerate(_as_list(value)):
            yield from ref((*loc, j, "id"), _as_dict(c).get("id"), "sources", "source")

    def bars(loc: Loc, item: Any) -> Iterator[Problem]:
        """A step's or hurdle's bar: the conditions it names and the sources of its law."""
        for k, c in enumerate(_as_list(_as_dict(item).get("barred_by"))):
            yield from ref((*loc, "barred_by", k), c, "conditions", "condition")
        basis = _as_dict(_as_dict(item).get("barred_under"))
        yield from cites((*loc, "barred_under", "sources"), basis.get("sources"))

    attr_defs = {_as_dict(a).get("slug"): _as_dict(a) for a in _as_list(raw.get("attributes"))}

    for i, src in enumerate(_as_list(raw.get("sources"))):
        s = _as_dict(src)
        yield from after_as_of(("sources", i, "date"), s.get("date"))
        # Every source must be checkable by a reader: a link, or the reason there is none.
        if not s.get("url") and not str(s.get("url_missing") or "").strip():
            yield Problem(
                ("sources", i, "url"),
                "a source needs a url, or url_missing saying why no online copy exists",
            )
        for field in ("title", "publisher"):
            value = str(s.get(field) or "")
            if _editor_note(value):
                yield Problem(("sources", i, field), f"{_editor_note(value)}")
    for i, cond in enumerate(_as_list(raw.get("conditions"))):
        c = _as_dict(cond)
        yield from cites(("conditions", i, "sources"), c.get("sources"))
        yield from after_as_of(("conditions", i, "since"), c.get("since"))
    for i, body in enumerate(_as_list(raw.get("bodies"))):
        b = _as_dict(body)
        members = _as_list(b.get("members"))
        for j, m in enumerate(members):
            yield from ref(("bodies", i, "members", j), m, "stakeholders", "stakeholder")
        for j, m in enumerate(_as_list(b.get("veto"))):
            yield from ref(("bodies", i, "veto", j), m, "stakeholders", "stakeholder")
            if m not in members:
                yield Problem(("bodies", i, "veto", j), f"veto holder {m!r} is not a member")
        for j, bloc in enumerate(_as_list(b.get("blocs"))):
            yield from ref(
                ("bodies", i, "blocs", j, "stakeholder"),
                _as_dict(bloc).get("stakeholder"),
                "stakeholders",
                "stakeholder",
            )
        yield from cites(("bodies", i, "sources"), b.get("sources"))
    for i, dispute in enumerate(_as_list(raw.get("disputes"))):
        for j, claim in enumerate(_as_list(_as_dict(dispute).get("claims"))):
            yield from cites(
                ("disputes", i, "claims", j, "sources"), _as_dict(claim).get("sources")
            )
    for i, opt in enumerate(_as_list(raw.get("options"))):
        o = _as_dict(opt)
        yield from ref(
            ("options", i, "proposed_by"), o.get("proposed_by"), "stakeholders", "stakeholder"
        )
        yield from after_as_of(("options", i, "proposed_on"), o.get("proposed_on"))
        yield from cites(("options", i, "proposed_sources"), o.get("proposed_sources"))
        for slug, value in _as_dict(o.get("attributes")).items():
            loc: Loc = ("options", i, "attributes", slug)
            d = attr_defs.get(slug)
            if d is None:
                yield Problem(loc, f"unknown attribute {slug!r}")
            elif d.get("type") == "bool" and not isinstance(value, bool):
                yield Problem(loc, "must be true or false")
            elif d.get("type") == "number" and (
                isinstance(value, bool) or not isinstance(value, int | float)
            ):
                yield Problem(loc, "must be a number")
            elif d.get("type") == "enum" and value not in _as_list(d.get("values")):
                yield Problem(loc, f"must be one of {_as_list(d.get('values'))}")
        for crit, a in _as_dict(o.get("assessments")).items():
            loc = ("options", i, "assessments", crit)
            yield from ref(loc, crit, "criteria", "criterion")
            yield from cites((*loc, "sources"), _as_dict(a).get("sources"))
        for j, h in enumerate(_as_list(o.get("hurdles"))):
            yield from cites(("options", i, "hurdles", j, "sources"), _as_dict(h).get("sources"))
            yield from bars(("options", i, "hurdles", j), h)
        # Plain `steps:` are one route; each of `routes:` has its own.
        paths: list[tuple[Loc, Any]] = [(("options", i, "steps"), o.get("steps"))]
        for j, r in enumerate(_as_list(o.get("routes"))):
            yield from cites(("options", i, "routes", j, "sources"), _as_dict(r).get("sources"))
            paths.append((("options", i, "routes", j, "steps"), _as_dict(r).get("steps")))
        for at, steps in paths:
            for j, s in enumerate(_as_list(steps)):
                yield from ref((*at, j, "body"), _as_dict(s).get("body"), "bodies", "body")
                yield from bars((*at, j), s)
    routes = {
        o.get("slug"): {_as_dict(r).get("slug") for r in _as_list(o.get("routes"))}
        for o in map(_as_dict, _as_list(raw.get("options")))
    }
    seen: dict[tuple[Any, ...], int] = {}
    for i, stance in enumerate(_as_list(raw.get("stances"))):
        s = _as_dict(stance)
        yield from ref(
            ("stances", i, "stakeholder"), s.get("stakeholder"), "stakeholders", "stakeholder"
        )
        for j, who in enumerate(_as_list(s.get("stakeholders"))):
            yield from ref(("stances", i, "stakeholders", j), who, "stakeholders", "stakeholder")
        yield from ref(("stances", i, "members_of"), s.get("members_of"), "bodies", "body")
        yield from ref(("stances", i, "option"), s.get("option"), "options", "option")
        yield from after_as_of(("stances", i, "date"), s.get("date"))
        yield from cites(("stances", i, "sources"), s.get("sources"))
        route = s.get("route")
        if route is not None and route not in routes.get(s.get("option"), {route}):
            yield Problem(
                ("stances", i, "route"), f"option {s.get('option')} has no route {route!r}"
            )
        same = (s.get("stakeholder"), s.get("option"), route, s.get("date"))
        if s.get("stakeholder") is not None and same in seen:
            yield Problem(
                ("stances", i), f"same stakeholder, option, route and date as stances[{seen[same]}]"
            )
        seen.setdefault(same, i)


# Text readers see must not be an editor's working note.
EDITOR_NOTES = ("reference sheet", "reference material", "seed article", "recorded as")


def _editor_note(text: str) -> str | None:
    low = text.casefold()
    for phrase in EDITOR_NOTES:
        if phrase in low:
            return f"reads like an editor's note ({phrase!r}); write for the reader"
    return None


def _texts(node: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if isinstance(node, str):
        yield loc, node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from _texts(v, (*loc, str(k)))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _texts(v, (*loc, i))


def _editor_notes(raw: dict[str, Any]) -> Iterator[Problem]:
    for loc, text in _texts(raw, ()):
        note = _editor_note(text)
        if note and "sources" not in loc[:1]:
            yield Problem(loc, note)


def _rules(raw: dict[str, Any]) -> tuple[Dataset | None, list[Problem]]:
    """The rules of `explorer check` on parsed data: fields, then cross-references and dates,
    then editors' notes."""
    problems: list[Problem] = []
    dataset: Dataset | None = None
    try:
        dataset = Dataset.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            problems.append(Problem(_clean_loc(err["loc"]), _message(dict(err))))
    problems.extend(_semantic(raw))
    problems.extend(_editor_notes(raw))
    return (dataset if not problems else None), problems


def validate_data(raw: Any) -> tuple[Dataset | None, list[Problem]]:
    """`explorer check` on a dataset given as JSON-like data (a proposal's patched dataset):
    the same rules, and the same rule for characters as the file's parser applies."""
    if not isinstance(raw, dict):
        return None, [Problem((), "the dataset must be a mapping with dossier, criteria, ...")]
    problems = [Problem(loc, bad) for loc, text in _texts(raw, ()) if (bad := text_problem(text))]
    dataset, more = _rules(raw)
    problems.extend(more)
    return (dataset if not problems else None), problems


def validate_text(text: str) -> tuple[Dataset | None, list[Problem]]:
    parsed = parse_text(text)
    problems = list(parsed.problems)
    dataset: Dataset | None = None
    if isinstance(parsed.raw, dict):
        dataset, more = _rules(parsed.raw)
        problems.extend(more)
    located = [Problem(p.path, p.message, p.line or _line(parsed.lines, p.path)) for p in problems]
    located.sort(key=lambda p: (p.line or 0, p.field()))
    return (dataset if not located else None), located


def load_dataset(path: Path) -> Dataset:
    """Read and validate a dataset file; raise DatasetInvalid naming every problem."""
    name = path.name
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise DatasetInvalid(name, [Problem((), f"file is larger than {MAX_FILE_BYTES} bytes")])
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetInvalid(name, [Problem((), f"cannot read the file: {exc}")]) from exc
    dataset, problems = validate_text(text)
    if dataset is None:
        raise DatasetInvalid(name, problems)
    return dataset
