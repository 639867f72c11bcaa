"""Tests read HTML with the parser in tests/helpers.py (issue 18, point 7): no test cuts markup
with `str.split("<...")` or `str.index("<...")`, and none writes its own HTMLParser subclass."""

import ast
from pathlib import Path

TESTS = Path(__file__).parent
CUTTERS = {"split", "rsplit", "index", "rindex", "find", "rfind", "partition", "rpartition"}

# Files still cutting markup, each with why. Remove a line when its file is converted.
EXCEPTIONS: dict[str, str] = {}


def _starts_with_tag(node: ast.expr) -> bool:
    """A string literal (or f-string) that starts with "<"."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.startswith("<")
    if isinstance(node, ast.JoinedStr) and node.values:
        return _starts_with_tag(node.values[0])
    return False


def offences(source: str) -> list[str]:
    """Each markup cut and HTMLParser subclass in this Python source, with its line."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in CUTTERS
            and node.args
            and _starts_with_tag(node.args[0])
        ):
            found.append(f"line {node.lineno}: .{node.func.attr}({ast.unparse(node.args[0])}")
        if isinstance(node, ast.ClassDef):
            bases = [ast.unparse(b) for b in node.bases]
            if any(b.split(".")[-1] == "HTMLParser" for b in bases):
                found.append(f"line {node.lineno}: class {node.name}(HTMLParser)")
    return found


def test_tests_parse_html_instead_of_cutting_it() -> None:
    bad = {}
    for path in sorted(TESTS.rglob("*.py")):
        name = path.relative_to(TESTS).as_posix()
        if name == "helpers.py" or name in EXCEPTIONS:
            continue
        if found := offences(path.read_text(encoding="utf-8")):
            bad[name] = found
    assert bad == {}, "use tests/helpers.py (parse, select, one, text) instead:\n" + "\n".join(
        f"{name}: {line}" for name, lines in bad.items() for line in lines
    )


def test_every_exception_is_still_needed() -> None:
    clean = [n for n in EXCEPTIONS if not offences((TESTS / n).read_text(encoding="utf-8"))]
    assert clean == [], f"no longer cutting markup: remove from EXCEPTIONS: {clean}"


def test_the_check_sees_cuts_and_parser_subclasses() -> None:
    assert offences("x = html.split('<main')[1]\n")
    assert offences('x = html.index(f"<td {k}")\n')
    assert offences("class P(html.parser.HTMLParser):\n    pass\n")
    assert not offences("x = url.rsplit('/', 1)[1]\ny = parse(html)\n")
