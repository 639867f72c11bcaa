"""The `explorer` command end to end, on real SQLite files."""

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from pytest_httpx import HTTPXMock
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.config import Settings
from app.dataset.check import load_dataset
from app.ops.cli import main
from app.store import models as m
from app.store.export import export_dataset
from app.store.load import content_hash
from tests.helpers import CYCLE

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(main, list(args))
    return result.exit_code, result.output + (result.stderr if result.stderr_bytes else "")


def snapshot(engine: Engine) -> tuple[int, str | None]:
    with Session(engine) as session:
        revisions = session.exec(select(m.Revision)).all()
        ds = export_dataset(session)
    return len(revisions), content_hash(ds) if ds else None


def test_help_lists_every_command() -> None:
    code, out = run("--help")
    assert code == 0
    for cmd in ("serve", "migrate", "load", "export", "check", "check-sources"):
        assert re.search(rf"^\s+{cmd}\s", out, re.M), cmd


def test_check_accepts_a_valid_file() -> None:
    code, out = run("check", str(CYCLE))
    assert code == 0
    assert "valid (3 options, 6 stances)" in out


BROKEN_EDITS = [
    # (old, new, expected message fragment)
    ("default_weight: 4", "default_weight: 9", "criteria[0].default_weight: must be 0..5"),
    ("{score: 2, confidence: medium", "{score: 7, confidence: medium", "score: must be 1..5"),
    ("rationale: Paint costs little., ", "", "assessments.cost.rationale: is required"),
    (
        "rationale: Kerbs and drainage are costly., sources: [{id: traffic-study, locator: p. 9}]",
        "rationale: Kerbs and drainage are costly., sources: []",
        "options[1].assessments.cost.sources",
    ),
    ("{body: consultation,", "{body: consultatio,", "unknown body 'consultatio'"),
    ("stakeholder: mayor, option:", "stakeholder: mayr, option:", "unknown stakeholder 'mayr'"),
    ("option: painted-lanes, date", "option: painted-lane, date", "unknown option 'painted-lane'"),
    ("{id: local-paper, locator: para 6}", "{id: gazette, locator: para 6}", "unknown source"),
    (
        "sources: [{id: traffic-study, locator: p. 2}]}\n      cost",
        "sources: [{id: traffic-study, locator: p. 2}]}\n      costs",
        "unknown criterion 'costs'",
    ),
    ("- {slug: mayor, name", "- {slug: shops, name", "duplicate slug 'shops'"),
    ("date: 2024-05-20", "date: 2025-05-20", "after the dossier's as_of"),
    (
        "position: -1, summary: The mayor",
        "position: -3, summary: The mayor",
        "must be an integer -2..2 or unknown",
    ),
]


def test_check_reports_every_problem_with_file_line_and_field(tmp_path: Path) -> None:
    text = CYCLE.read_text()
    for old, new, _ in BROKEN_EDITS:
        assert old in text, old
        text = text.replace(old, new, 1)
    broken = tmp_path / "broken.yaml"
    broken.write_text(text)
    code, out = run("check", str(broken))
    assert code == 1
    lines = out.splitlines()
    for _, _, fragment in BROKEN_EDITS:
        assert any(fragment in line for line in lines), fragment
    # Every problem line names file:line and a field path.
    problems = [ln for ln in lines if ln.startswith("broken.yaml:")]
    assert len(problems) >= len(BROKEN_EDITS)
    assert all(re.match(r"broken\.yaml:\d+ \S+: ", ln) for ln in problems)
    score = next(ln for ln in problems if "score: must be 1..5" in ln)
    line_no = int(score.split(":")[1].split()[0])
    assert "score: 7" in text.splitlines()[line_no - 1]


def test_check_rejects_invalid_yaml(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("dossier: {slug: x\n  title: [\n")
    code, out = run("check", str(bad))
    assert code == 1
    assert re.search(r"bad\.yaml:\d+ \(file\): not valid YAML", out)


def test_check_names_a_missing_file(tmp_path: Path) -> None:
    code, out = run("check", str(tmp_path / "missing.yaml"))
    assert code == 1
    assert "missing.yaml" in out and "cannot read the file" in out


def test_load_bumps_revision_only_when_content_changes(
    engine: Engine, migrated: Settings, tmp_path: Path
) -> None:
    code, out = run("load", str(CYCLE))
    assert code == 0 and "revision 1" in out
    code, out = run("load", str(CYCLE))
    assert code == 0 and "unchanged; still revision 1" in out
    changed = tmp_path / "changed.yaml"
    changed.write_text(CYCLE.read_text().replace("Paint costs little.", "Paint is cheap."))
    code, out = run("load", str(changed))
    assert code == 0 and "revision 2" in out
    assert snapshot(engine)[0] == 2


def test_invalid_file_changes_nothing(engine: Engine, migrated: Settings, tmp_path: Path) -> None:
    assert run("load", str(CYCLE))[0] == 0
    before = snapshot(engine)
    broken = tmp_path / "broken.yaml"
    broken.write_text(CYCLE.read_text().replace("{body: consultation,", "{body: nowhere,"))
    code, out = run("load", str(broken))
    assert code == 1
    assert "unknown body 'nowhere'" in out and "the database is unchanged" in out
    assert snapshot(engine) == before


def test_load_if_empty_does_not_replace(engine: Engine, migrated: Settings) -> None:
    assert run("load", str(CYCLE))[0] == 0
    code, out = run("load", "--if-empty")
    assert code == 0 and "already holds a dataset" in out
    with Session(engine) as session:
        assert session.exec(select(m.Dossier.slug)).one() == "riverton-cycle-lanes"


def test_load_unless_newer_does_not_roll_back(
    engine: Engine, migrated: Settings, tmp_path: Path
) -> None:
    """A file loaded before and replaced since is not loaded again, nor an older one."""
    assert run("load", "--unless-newer", str(CYCLE))[0] == 0
    changed = tmp_path / "changed.yaml"
    changed.write_text(CYCLE.read_text().replace("Paint costs little.", "Paint is cheap."))
    assert run("load", str(changed))[0] == 0
    code, out = run("load", "--unless-newer", str(CYCLE))
    assert code == 0 and "not loaded; it was loaded as revision 1" in out
    older = tmp_path / "older.yaml"
    older.write_text(re.sub(r"(?m)^(  as_of: ).*$", r"\g<1>2024-06-01", CYCLE.read_text()))
    code, out = run("load", "--unless-newer", str(older))
    assert code == 0 and "newer than this file's 2024-06-01" in out
    assert snapshot(engine)[0] == 2
    code, out = run("load", str(CYCLE))  # without the flag, as asked
    assert "as revision 3" in out


def test_export_then_load_is_lossless(engine: Engine, migrated: Settings, tmp_path: Path) -> None:
    assert run("load", str(CYCLE))[0] == 0
    out_file = tmp_path / "out.yaml"
    code, _ = run("export", "--out", str(out_file))
    assert code == 0
    assert load_dataset(out_file) == load_dataset(CYCLE)
    code, out = run("load", str(out_file))
    assert "unchanged; still revision 1" in out


def test_export_writes_yaml_to_stdout(engine: Engine, migrated: Settings) -> None:
    assert run("load", str(CYCLE))[0] == 0
    code, out = run("export")
    assert code == 0
    assert out.startswith("dossier:\n  slug: riverton-cycle-lanes")
    assert "position: -2" in out and "position: unknown" in out


def test_export_without_data_says_so(engine: Engine, migrated: Settings) -> None:
    code, out = run("export")
    assert code == 1 and "no dataset is loaded" in out


@pytest.mark.parametrize("cmd", ["migrate"])
def test_migrate_reports_success(cmd: str, db_url: str) -> None:
    code, out = run(cmd)
    assert code == 0 and "latest schema" in out


def test_commands_on_an_unmigrated_database_say_what_to_do(db_url: str) -> None:
    for args in (("load", str(CYCLE)), ("export",)):
        code, out = run(*args)
        assert code == 1
        assert "has no schema yet: run `explorer migrate` first" in out


def test_check_sources_command_records_dead_link_and_archive(
    engine: Engine, migrated: Settings, httpx_mock: HTTPXMock
) -> None:
    url = "https://example.org/riverton/traffic-study"
    assert run("load", str(CYCLE))[0] == 0
    httpx_mock.add_response(method="HEAD", url=url, status_code=404)
    httpx_mock.add_response(
        url=re.compile(r"https://archive\.org/wayback/available.*"),
        json={
            "archived_snapshots": {
                "closest": {
                    "available": True,
                    "status": "200",
                    "url": "http://web.archive.org/web/2024/" + url,
                }
            }
        },
    )
    code, out = run("check-sources")
    assert code == 0
    assert f"dead: {url}: 404 (archived copy: https://web.archive.org/web/2024/{url})" in out
    assert "1 checked: 0 ok, 1 dead (1 archived copy found)" in out
    with Session(engine) as session:
        check = session.get(m.LinkCheck, url)
        assert check is not None and check.status == 404
        assert check.archive_url == "https://web.archive.org/web/2024/" + url
        assert len(session.exec(select(m.Revision)).all()) == 1


def test_check_names_bad_route_references_with_line_and_field(tmp_path: Path) -> None:
    text = CYCLE.read_text()
    old = """    steps:
      - {body: budget-board, action: fund the works}
      - {body: consultation, action: consult traders and cyclists}
"""
    new = """    routes:
      - slug: by-budget
        title: the budget board
        steps:
          - {body: budget-board, action: fund the works}
      - slug: by-vote
        title: a referendum
        steps:
          - {body: referendum-board, action: hold a vote}
"""
    assert old in text
    text = text.replace(old, new)
    text = text.replace(
        "- {stakeholder: shops, option: protected-lanes, date: 2024-04-01,",
        "- {stakeholder: shops, option: protected-lanes, route: by-bus, date: 2024-04-01,",
    )
    broken = tmp_path / "routes.yaml"
    broken.write_text(text)
    code, out = run("check", str(broken))
    assert code == 1
    lines = text.splitlines()
    body = next(ln for ln in out.splitlines() if ".routes[1].steps[0].body:" in ln)
    assert "unknown body 'referendum-board'" in body
    assert "referendum-board" in lines[int(body.split(":")[1].split()[0]) - 1]
    route = next(ln for ln in out.splitlines() if "].route:" in ln)
    assert "option protected-lanes has no route 'by-bus'" in route
    assert "route: by-bus" in lines[int(route.split(":")[1].split()[0]) - 1]


def test_check_refuses_steps_beside_routes(tmp_path: Path) -> None:
    text = CYCLE.read_text().replace(
        "    steps:\n      - {body: budget-board, action: fund the works}",
        "    routes: [{slug: one, title: one, steps: [{body: budget-board, action: fund}]}]\n"
        "    steps:\n      - {body: budget-board, action: fund the works}",
    )
    broken = tmp_path / "both.yaml"
    broken.write_text(text)
    code, out = run("check", str(broken))
    assert code == 1 and "give either steps (one route) or routes, not both" in out
