"""Issue 19.6: the data as tidy tables under /data/, described by a Frictionless Data Package
that the `frictionless` validator accepts, as the app serves it."""

import csv
import io
import json
from pathlib import Path

from fastapi.testclient import TestClient
from frictionless import Package, validate


def download(client: TestClient, folder: Path) -> dict[str, object]:
    """The descriptor and every file it names, saved as a reader would download them."""
    r = client.get("/data/datapackage.json")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    package = r.json()
    (folder / "datapackage.json").write_text(r.text, encoding="utf-8")
    for res in package["resources"]:
        got = client.get(f"/data/{res['path']}")
        assert got.status_code == 200, res["path"]
        assert got.headers["content-type"] == "text/csv; charset=utf-8"
        (folder / res["path"]).write_bytes(got.content)
    return package


def rows(client: TestClient, path: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(client.get(path).text)))


def test_the_served_package_is_valid_on_the_default_dataset(
    ukraine: TestClient, tmp_path: Path
) -> None:
    package = download(ukraine, tmp_path)
    report = validate(tmp_path / "datapackage.json")
    assert report.valid, json.dumps(report.flatten(["rowNumber", "fieldName", "note"]))[:3000]
    names = [r["name"] for r in package["resources"]]
    assert names == ["options", "criteria", "scores", "stakeholders", "stances", "sources"]
    meta = ukraine.get("/api/v1/revision").json()
    assert package["as_of"] == meta["dossier"]["as_of"] == "2026-07-05"
    assert package["revision"] == meta["revision"]
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert package["title"] == "Security guarantees for Ukraine"
    # Read back by frictionless, typed: numbers are numbers, dates are dates.
    read = Package(tmp_path / "datapackage.json")
    scores = read.get_resource("scores").read_rows()
    assert all(isinstance(r["score"], int) and r["low"] <= r["score"] <= r["high"] for r in scores)
    stances = read.get_resource("stances").read_rows()
    assert {r["position"] for r in stances} <= {-2, -1, 0, 1, 2, None}


def test_tidy_scores_and_stances_hold_numbers_dates_and_sources(client: TestClient) -> None:
    scores = {(r["option"], r["criterion"]): r for r in rows(client, "/data/scores.csv")}
    protected = scores[("protected-lanes", "safety")]
    assert {k: protected[k] for k in ("score", "low", "high", "confidence", "sources")} == {
        "score": "5",
        "low": "4",
        "high": "5",
        "confidence": "medium",
        "sources": "traffic-study",
    }
    assert scores[("protected-lanes", "cost")]["low"] == "4"  # no range: low = high = score
    stances = rows(client, "/data/stances.csv")
    assert list(stances[0]) == [
        "stakeholder",
        "option",
        "route",
        "position",
        "position_label",
        "date",
        "date_precision",
        "current",
        "via",
        "summary",
        "sources",
    ]
    mayor = next(
        r for r in stances if (r["stakeholder"], r["option"]) == ("mayor", "protected-lanes")
    )
    assert (mayor["position"], mayor["position_label"], mayor["date"]) == (
        "-1",
        "Opposes",
        "2024-05-20",
    )
    assert mayor["current"] == "true" and mayor["sources"]
    unknown = [r for r in stances if r["position_label"] == "Unknown"]
    assert unknown and all(r["position"] == "" for r in unknown)


def test_joint_statements_name_their_text_in_via(ukraine: TestClient) -> None:
    stances = rows(ukraine, "/data/stances.csv")
    joint = [r for r in stances if r["via"]]
    assert joint, "the default dataset records joint statements"
    by_via: dict[str, set[str]] = {}
    for r in joint:
        by_via.setdefault(r["via"], set()).add(r["stakeholder"])
    assert any(len(signatories) > 1 for signatories in by_via.values())


def test_at_gives_the_data_as_it_stood_and_bad_input_is_a_400(ukraine: TestClient) -> None:
    package = ukraine.get("/data/datapackage.json?at=2024-01-01").json()
    assert package["at"] == "2024-01-01"
    assert package["resources"][4]["path"] == "stances.csv?at=2024-01-01"
    then = rows(ukraine, "/data/stances.csv?at=2024-01-01")
    now = rows(ukraine, "/data/stances.csv")
    assert 0 < len(then) < len(now)
    assert all(r["date"] <= "2024-01-01" for r in then if r["date"])
    bad = ukraine.get("/data/scores.csv?at=someday")
    assert bad.status_code == 400 and "at" in bad.json()["error"]["field"]
    missing = ukraine.get("/data/verdicts.csv")
    assert missing.status_code == 404


def test_text_cells_cannot_run_as_formulas(client: TestClient) -> None:
    """Text that starts like a formula is quoted; negative numbers stay numbers."""
    stances = client.get("/data/stances.csv").text
    assert ",-1,Opposes," in stances
    assert "\n=" not in stances and ",=" not in stances


def test_methodology_and_sources_link_the_data(client: TestClient) -> None:
    for page in ("/methodology", "/sources"):
        html = client.get(page).text
        assert 'href="/data/datapackage.json"' in html, page
        assert 'href="/data/scores.csv"' in html and 'href="/data/stances.csv"' in html, page
