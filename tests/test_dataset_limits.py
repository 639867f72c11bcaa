"""`explorer check` on hostile files: alias bombs, self-references and oversized files (F12)."""

import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.dataset.check import MAX_FILE_BYTES
from app.ops.cli import main
from tests.helpers import CYCLE

# 483 bytes that expand to 9**9 (387 million) strings.
BOMB = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def check(path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", str(path)])
    return result.exit_code, result.output


# A child process, so a hang cannot stall the suite: `make test` runs it.
@pytest.mark.slow
def test_alias_bomb_is_refused_quickly_with_file_and_line(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BOMB, encoding="utf-8")
    explorer = Path(sys.executable).with_name("explorer")
    start = time.monotonic()
    # A real process with a deadline: before the fix this ran for minutes and took gigabytes.
    done = subprocess.run(
        [str(explorer), "check", str(bomb)], capture_output=True, text=True, timeout=20
    )
    assert time.monotonic() - start < 20
    assert done.returncode == 1
    assert "bomb.yaml:6 (file): YAML aliases expand this to more than 500,000 values" in (
        done.stderr
    )


def test_self_referencing_alias_is_refused(tmp_path: Path) -> None:
    loop = tmp_path / "loop.yaml"
    loop.write_text("dossier: {slug: x}\ncriteria: &c [*c]\n", encoding="utf-8")
    code, out = check(loop)
    assert code == 1
    assert "loop.yaml:2 (file): a YAML alias refers to a value that contains it" in out


def test_a_few_aliases_are_still_fine(tmp_path: Path) -> None:
    text = CYCLE.read_text(encoding="utf-8")
    text = text.replace("  - slug: painted-lanes\n", "  - &painted\n    slug: painted-lanes\n", 1)
    path = tmp_path / "aliases.yaml"
    path.write_text(text + "extra: *painted\n", encoding="utf-8")
    code, out = check(path)
    assert code == 1  # the unknown top-level field, and nothing about aliases
    assert "aliases.yaml:" in out and "extra: unknown field" in out
    assert "alias" not in out.replace("aliases.yaml", "")


def test_oversized_file_is_refused_before_parsing(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text(CYCLE.read_text(encoding="utf-8") + "#" * MAX_FILE_BYTES, encoding="utf-8")
    code, out = check(big)
    assert code == 1
    assert "big.yaml (file): file is larger than 2000000 bytes" in out


def test_a_nul_character_is_refused_with_field_and_line(tmp_path: Path) -> None:
    """PostgreSQL text cannot hold NUL: the file is refused before any database sees it."""
    text = CYCLE.read_text(encoding="utf-8")
    bad = tmp_path / "nul.yaml"
    question = "question: Which cycle-lane plan should Riverton adopt?"
    assert question in text
    bad.write_text(text.replace(question, 'question: "Which plan?\\0"'), encoding="utf-8")
    code, out = check(bad)
    assert code == 1
    assert "nul.yaml:" in out and "dossier.question: contains a NUL character" in out
