"""Every page and its JSON twin come from one view model, so the numbers a reader sees on the
page equal those in its JSON. Pages mark their counts (`data-counts`) on the element that
shows them; this walks every page, checks each number is visible there, and compares."""

import json
import re
from typing import Any

import pytest
from bs4 import NavigableString, Tag
from fastapi.testclient import TestClient

from app.config import Settings
from tests.helpers import attr, one, select


def cells_text(el: Tag) -> str:
    """The element's text with a space after each child element, so cells read apart."""
    parts: list[str] = []
    for child in el.children:
        if isinstance(child, Tag):
            parts.append(cells_text(child) + ("" if child.is_empty_element else " "))
        elif type(child) is NavigableString:
            parts.append(child)
    return "".join(parts)


def counted(html: str) -> tuple[str, list[tuple[dict[str, int], str]]]:
    """The JSON twin's address, and (counts, visible text) of every element with data-counts."""
    twin = attr(one(html, 'link[rel="alternate"][type="application/json"]'), "href")
    marked = select(html, "[data-counts]")
    return twin, [
        (json.loads(attr(e, "data-counts")), " ".join(cells_text(e).split())) for e in marked
    ]


def json_counts(path: str, data: dict[str, Any]) -> dict[str, int]:
    if path.startswith("/api/v1/options"):
        return {"count": data["count"], "total": data["total"]}
    if path.startswith("/api/v1/stakeholders/"):
        return {
            "options": len(data["options"]),
            "stances": sum(1 for o in data["options"] if o["current"]),
        }
    if path.startswith("/api/v1/stakeholders"):
        out = {"stakeholders": len(data["stakeholders"])}
        for s in data["stakeholders"]:
            out[f"stances.{s['slug']}"] = s["stances"]
            out[f"known.{s['slug']}"] = s["known"]
        return out
    if path.startswith("/api/v1/matrix"):
        return {"rows": len(data["rows"]), "options": len(data["options"])}
    if path.startswith("/api/v1/sources/"):
        out = {"claims": len(data["claims"])}
        # Joint statements are listed once each, their signatories counted on their line.
        if data["joint_statements"]:
            out["joint_statements"] = len(data["joint_statements"])
            out["signatories"] = sum(len(j["signatories"]) for j in data["joint_statements"])
            out.update(
                {f"signatories.{j['id']}": len(j["signatories"]) for j in data["joint_statements"]}
            )
        return out
    if path.startswith("/api/v1/sources"):
        out = {"sources": len(data["sources"]), "total": data["total"]}
        out.update({f"cited_by.{s['id']}": s["cited_by"] for s in data["sources"]})
        return out
    if path.startswith("/api/v1/changes"):
        return {"revisions": len(data["revisions"])}
    if path.startswith("/compare.json"):
        return {"options": len(data["options"])}
    raise AssertionError(f"no count rule for {path}")


def pages(client: TestClient) -> list[str]:
    stakeholders = [s["href"] for s in client.get("/api/v1/stakeholders").json()["stakeholders"]]
    sources = [f"/sources/{s['id']}" for s in client.get("/api/v1/sources").json()["sources"]]
    return [
        "/",
        "/?veto=blocked",
        "/?q=zzzz-nothing",
        "/?assume=hu:0&sort=-feasibility",
        "/matrix",
        "/matrix?veto=uncertain",
        "/stakeholders",
        *stakeholders,
        "/sources",
        "/sources?kind=primary",
        *sources,
        "/changes",
        "/compare?o=article-5-extension,nato-membership,reassurance-force",
    ]


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
@pytest.mark.parametrize("dataset", ["ukraine", "client"])
def test_every_page_shows_the_counts_of_its_json_twin(
    dataset: str, request: pytest.FixtureRequest, migrated: Settings
) -> None:
    # `migrated` is named here so the PostgreSQL run copies the migrated template up front.
    client: TestClient = request.getfixturevalue(dataset)
    checked = 0
    for path in pages(client):
        r = client.get(path)
        if r.status_code == 400 and dataset == "client" and ("hu" in path or "compare" in path):
            continue  # the cycle-lane dataset has other slugs
        assert r.status_code == 200, path
        twin, found = counted(r.text)
        assert twin, f"{path} names no JSON twin"
        assert found, f"{path} marks no counts"
        shown: dict[str, int] = {}
        for counts, words in found:
            for name, value in counts.items():
                assert re.search(rf"\b{value}\b", words), (path, name, value, words)
            shown.update(counts)
        expected = json_counts(twin, client.get(twin).json())
        assert shown == expected, path
        checked += 1
    assert checked >= 10
