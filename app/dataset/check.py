"""Validate a dataset file and report every problem at once, each with file, line and field path."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from app.dataset.problems import DatasetInvalid, Loc, Problem
from app.dataset.rules import editor_notes, semantic, texts
from app.dataset.schema import Dataset
from app.dataset.text import text_problem

MAX_FILE_BYTES = 2_000_000  # the bundled dataset is 150 KB
# Values in the file once YAML aliases are expanded: a 483-byte "alias bomb" expands to
# billions. The bundled dataset has about 7,000.
MAX_VALUES = 500_000
# libyaml when PyYAML was built with it (parses many times faster), else the Python parser.
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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
    problems.extend(semantic(raw))
    problems.extend(editor_notes(raw))
    return (dataset if not problems else None), problems


def validate_data(raw: Any) -> tuple[Dataset | None, list[Problem]]:
    """`explorer check` on a dataset given as JSON-like data (a proposal's patched dataset):
    the same rules, and the same rule for characters as the file's parser applies."""
    if not isinstance(raw, dict):
        return None, [Problem((), "the dataset must be a mapping with dossier, criteria, ...")]
    problems = [Problem(loc, bad) for loc, text in texts(raw, ()) if (bad := text_problem(text))]
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
