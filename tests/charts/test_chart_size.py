"""Charts have a bounded size whatever the dataset (N8): a valid dataset with thousands of
veto holders in one body drew an 1800 x 256,592 px timeline. Long lists are summarised
("and 2,961 more"), opponents and unknowns kept, and the rasteriser caps the pixels."""

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from PIL import Image

from app.charts import bars
from app.charts.metrics import fit_by, wrap_by
from app.charts.raster import MAX_PIXELS, svg_to_png
from app.config import Settings
from app.main import create_app
from app.ops.cli import main

MEMBERS = 3000
CRITERIA = 40
CROWD = 12  # options in one cell of the overview
OPPONENTS = range(2500, 2505)
UNKNOWNS = range(2900, 2903)


def big_dataset() -> str:
    """A valid dataset: one unanimity body of MEMBERS states, an option needing it."""
    scale = "{1: very low, 2: low, 3: middling, 4: high, 5: very high}"
    lines = [
        "dossier: {slug: big, title: Big council, question: Which plan?, as_of: 2025-01-01,",
        "  licence: CC0}",
        "criteria:",
        *(
            f"  - {{slug: c{i}, title: Criterion {i}, direction: higher-is-better,"
            f" default_weight: 1, scale: {scale}}}"
            for i in range(CRITERIA)
        ),
        "stakeholders:",
        *(f"  - {{slug: s{i}, name: Member {i}, kind: state}}" for i in range(MEMBERS)),
        "bodies:",
        "  - {slug: council, title: Council, rule: unanimity, members: ["
        + ", ".join(f"s{i}" for i in range(MEMBERS))
        + "]}",
        "sources:",
        "  - {id: minutes, title: Minutes, publisher: Council, date: 2024-01-01,",
        '     url: "https://example.org/minutes", kind: primary}',
        "options:",
    ]
    cite = "sources: [{id: minutes}]"
    assess = f"{{score: 3, confidence: low, rationale: Middling., {cite}}}"
    for o in range(CROWD):
        crits = range(CRITERIA) if o == 0 else range(2)
        lines += [
            f"  - slug: plan-{o}",
            f"    title: Plan {o}",
            "    category: plan",
            "    status: proposed",
            "    summary: A plan.",
            "    assessments: {" + ", ".join(f"c{c}: {assess}" for c in crits) + "}",
            "    steps: [{body: council, action: agree}]",
        ]
    lines += [
        "stances:",
        "  - {members_of: council, option: plan-0, date: 2024-01-01, position: 1,",
        f"     via: the Council declaration, summary: All agree., {cite}}}",
        *(
            f"  - {{stakeholder: s{i}, option: plan-0, date: 2024-06-01, position: -2,"
            f" summary: Now against., {cite}}}"
            for i in OPPONENTS
        ),
        *(
            f"  - {{stakeholder: s{i}, option: plan-0, date: 2024-07-01, position: unknown,"
            " summary: Undecided again.}"
            for i in UNKNOWNS
        ),
    ]
    return "\n".join(lines) + "\n"


@pytest.fixture
def big(migrated: Settings, tmp_path: Path) -> TestClient:
    path = tmp_path / "big.yaml"
    path.write_text(big_dataset(), encoding="utf-8")
    result = CliRunner().invoke(main, ["load", str(path)])
    assert result.exit_code == 0, result.output
    return TestClient(create_app(migrated))


def size(png: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(png)) as img:
        assert img.format == "PNG"
        return img.size


@pytest.mark.slow  # seconds of CPU: `make test` runs it, `make check` leaves it out
def test_every_chart_of_a_huge_body_has_a_bounded_size(big: TestClient) -> None:
    charts = {
        "/options/plan-0/timeline": "and 2,961 more",
        "/options/plan-0/scores": f"and {CRITERIA - 29} more criteria",
        "/charts/overview": f"and {CROWD - 5} more",
    }
    with big as c:
        for chart, more in charts.items():
            drawing = c.get(f"{chart}.svg")
            assert drawing.status_code == 200, chart
            root = ET.fromstring(drawing.content)
            assert float(root.attrib["height"]) < 2000, chart
            assert more in "".join(root.itertext()), chart
            image = c.get(f"{chart}.png")
            assert image.status_code == 200, chart
            width, height = size(image.content)
            assert height < 4000 and width * height <= MAX_PIXELS, (chart, width, height)
        timeline = ET.fromstring(c.get("/options/plan-0/timeline.svg").content)
        texts = {"".join(t.itertext()) for t in timeline.iter("{http://www.w3.org/2000/svg}text")}
        # The decisive rows are the ones kept: every opponent and every unknown.
        assert {f"Member {i}" for i in [*OPPONENTS, *UNKNOWNS]} <= texts
        ranks = c.get("/compare/ranks.png?o=plan-0,plan-1")
        assert ranks.status_code == 200
        assert size(ranks.content)[1] < 4000
        assert c.get("/options/plan-0/preview.png").status_code == 200


def test_the_rasteriser_caps_pixels_whatever_the_svg() -> None:
    # A hand-made SVG far taller than any chart: drawn at a smaller scale, not at full size.
    root = ET.fromstring(bars.bars("Tall", ()).svg)
    root.attrib["viewBox"] = "0 0 900 200000"
    width, height = size(svg_to_png(ET.tostring(root, encoding="unicode")))
    assert width * height <= MAX_PIXELS
    assert height > 100 * width  # still the picture's shape


def test_fitting_a_huge_title_measures_only_what_could_fit() -> None:
    # A valid dataset may hold a 100,000-character title; previews and charts fit it to one
    # or two lines, and measuring all of it, many times over, took seconds.
    measured: list[int] = []

    def measure(text: str) -> float:
        measured.append(len(text))
        return 7.0 * len(text)

    title = "word " * 20_000
    assert fit_by(title, 300, measure) == "word " * 7 + "word…"
    assert wrap_by(title, 300, 2, measure)[1].endswith("…")
    assert sum(measured) < 50_000
