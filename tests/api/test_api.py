"""The JSON API and its CSV twins, as a client would use them."""

import csv
import datetime as dt
import io
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.config import DEFAULT_DATASET
from app.dataset.check import load_dataset
from app.dataset.schema import Dataset
from app.store import models as m
from tests.helpers import CYCLE, attr, attrs, parse, select, texts


def slugs(body: dict) -> list[str]:
    return [o["slug"] for o in body["options"]]


def error(r, status: int) -> dict:  # type: ignore[no-untyped-def]
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/json"
    body = r.json()["error"]
    assert set(body) >= {"code", "message", "field"}
    return body


def table(r) -> list[list[str]]:  # type: ignore[no-untyped-def]
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(r'attachment; filename="[a-z0-9-]+\.csv"', r.headers["content-disposition"])
    assert r.text.endswith("\r\n")
    assert "\n" not in r.text.replace("\r\n", "")  # RFC 4180: CRLF ends every record
    return list(csv.reader(io.StringIO(r.content.decode("utf-8"), newline="")))


# --- options ---------------------------------------------------------------------------------


def test_filters_narrow_the_options_list(client: TestClient) -> None:
    every = client.get("/api/v1/options").json()
    assert every["count"] == every["total"] == 3
    assert slugs(every) == ["no-change", "painted-lanes", "protected-lanes"]  # by title

    kerbs = client.get("/api/v1/options?category=kerbs").json()
    assert slugs(kerbs) == ["protected-lanes"] and kerbs["total"] == 3
    assert slugs(client.get("/api/v1/options?min.safety=2&veto=uncertain").json()) == [
        "painted-lanes"
    ]
    assert slugs(client.get("/api/v1/options?attr.removes_parking=false&max_hurdle=1").json()) == [
        "no-change",
        "painted-lanes",
    ]
    assert slugs(client.get("/api/v1/options?stance.shops=oppose").json()) == ["protected-lanes"]
    assert client.get("/api/v1/options?q=nothing-matches-this").json()["count"] == 0


def test_options_echo_the_canonical_query(client: TestClient) -> None:
    body = client.get("/api/v1/options?status=rejected&category=paint&category=kerbs").json()
    assert body["query"] == "category=kerbs&category=paint&status=rejected"
    assert slugs(body) == []
    ranked = client.get("/api/v1/options?sort=-safety").json()
    assert slugs(ranked) == ["protected-lanes", "painted-lanes", "no-change"]
    assert ranked["options"][0] == {
        "slug": "protected-lanes",
        "title": "Protected lanes",
        "category": "kerbs",
        "status": "under-negotiation",
        "summary": "Kerb-separated lanes, removing parking on one side.",
        "scores": {"safety": 5, "cost": 4},
        "max_hurdle": 3,
        "veto": "blocked",
        "veto_why": None,
        "veto_route": "default",
        "href": "/options/protected-lanes",
    }


def test_a_hypothesis_changes_the_veto_filter(client: TestClient) -> None:
    assert slugs(client.get("/api/v1/options?veto=blocked").json()) == ["protected-lanes"]
    assert slugs(client.get("/api/v1/options?veto=blocked&assume=mayor:1").json()) == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("bogus=1", "bogus"),
        ("max_hurdle=9", "max_hurdle"),
        ("category=boats", "category"),
        ("min.speed=3", "min.speed"),
        ("veto=maybe", "veto"),
        ("sort=colour", "sort"),
        ("assume=hu:0", "assume"),
        ("q=" + "x" * 201, "q"),
    ],
)
def test_bad_parameter_is_400_naming_it(client: TestClient, query: str, field: str) -> None:
    for path in ("/api/v1/options", "/api/v1/options.csv", "/api/v1/matrix"):
        body = error(client.get(f"{path}?{query}"), 400)
        assert body["code"] == "bad_request" and body["field"] == field


def test_option_detail_and_its_veto_analysis(client: TestClient) -> None:
    option = client.get("/api/v1/options/protected-lanes").json()
    assert option["title"] == "Protected lanes"
    assert option["assessments"]["safety"]["score"] == 5
    assert option["hurdles"][0]["instrument"] == "Parking bylaw, s. 3"

    veto = client.get("/api/v1/options/protected-lanes/veto").json()
    assert veto["status"] == "blocked" and veto["blockers"] == ["mayor"]
    step = veto["steps"][0]
    assert step["body"] == "budget-board" and step["rule"] == "unanimity"
    assert step["blockers"] == ["mayor"] and step["uncertain"] == ["council"]
    assert {"supporters", "veto_holders", "reason"} <= set(step)

    assumed = client.get("/api/v1/options/protected-lanes/veto?assume=council:1,mayor:0").json()
    assert assumed["status"] == "clear" and assumed["hypothetical"] is True
    assert assumed["blockers"] == []


@pytest.mark.parametrize(
    ("path", "field", "suggestion"),
    [
        ("/api/v1/options/protected-lane", "slug", "protected-lanes"),
        ("/api/v1/options/protected-lane.csv", "slug", "protected-lanes"),
        ("/api/v1/options/painted-lane/veto", "slug", "painted-lanes"),
        ("/api/v1/stakeholders/shop", "slug", "shops"),
        ("/api/v1/stakeholders/shop.csv", "slug", "shops"),
        ("/api/v1/sources/traffic-studies", "source_id", "traffic-study"),
        ("/api/v1/sources/traffic-studies.csv", "source_id", "traffic-study"),
    ],
)
def test_unknown_slug_is_404_with_suggestions(
    client: TestClient, path: str, field: str, suggestion: str
) -> None:
    body = error(client.get(path), 404)
    assert body["code"] == "not_found" and body["field"] == field
    assert suggestion in body["suggestions"]


# --- criteria, stakeholders, stances, matrix ----------------------------------------------------


def test_criteria(client: TestClient) -> None:
    criteria = client.get("/api/v1/criteria").json()["criteria"]
    assert [c["slug"] for c in criteria] == ["safety", "cost"]
    assert criteria[1]["direction"] == "lower-is-better"
    assert criteria[0]["scale"]["5"] == "Very large"


def test_stakeholders_and_one_stakeholder(client: TestClient) -> None:
    people = client.get("/api/v1/stakeholders").json()["stakeholders"]
    assert [p["slug"] for p in people] == ["council", "shops", "cyclists", "mayor"]
    assert people[0]["stances"] == 2

    mayor = client.get("/api/v1/stakeholders/mayor").json()
    assert mayor["name"] == "The mayor"
    assert mayor["seats"] == [
        {"body": "budget-board", "title": "Budget board", "rule": "unanimity", "veto": True}
    ]
    assert mayor["vetoes"] == ["budget-board"]
    by_option = {o["option"]: o for o in mayor["options"]}
    assert set(by_option) == {"painted-lanes", "protected-lanes", "no-change"}  # every option
    assert by_option["protected-lanes"]["position"] == -1
    assert by_option["painted-lanes"] == {
        "option": "painted-lanes",
        "title": "Painted lanes",
        "position": None,
        "current": None,
        "history": [],
    }

    shops = {o["option"]: o for o in client.get("/api/v1/stakeholders/shops").json()["options"]}
    lanes = shops["protected-lanes"]
    assert lanes["position"] == -2 and lanes["current"]["quote_by"] == "A. Trader, chair"
    assert [h["date"] for h in lanes["history"]] == ["2024-05-12", "2024-04-01"]
    assert [h["current"] for h in lanes["history"]] == [True, False]


def test_stances_filter_by_who_what_and_dates(client: TestClient) -> None:
    every = client.get("/api/v1/stances").json()
    assert every["count"] == 6  # history included
    unknown = next(
        s for s in every["stances"] if s["stakeholder"] == "council" and s["date"] is None
    )
    assert unknown["position"] == "unknown" and unknown["current"] is True

    shops = client.get("/api/v1/stances?stakeholder=shops").json()["stances"]
    assert [(s["date"], s["position"], s["current"]) for s in shops] == [
        ("2024-05-12", -2, True),
        ("2024-04-01", -1, False),
    ]
    assert set(shops[0]) >= {"summary", "quote", "quote_by", "sources"}

    may = client.get("/api/v1/stances?since=2024-04-01&until=2024-05-12").json()
    assert [s["date"] for s in may["stances"]] == ["2024-05-12", "2024-04-01"]
    assert may["query"] == "since=2024-04-01&until=2024-05-12"
    # Dates are inclusive, and undated (unknown) stances drop out of a date range.
    assert client.get("/api/v1/stances?since=2024-05-20").json()["count"] == 1
    assert client.get("/api/v1/stances?until=2024-02-01").json()["count"] == 1

    both = client.get(
        "/api/v1/stances?option=protected-lanes&stakeholder=mayor&stakeholder=cyclists"
    ).json()
    assert [s["stakeholder"] for s in both["stances"]] == ["cyclists", "mayor"]
    assert client.get("/api/v1/stances?option=no-change").json()["count"] == 0


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("stakeholder=shop", "stakeholder"),
        ("option=paint", "option"),
        ("since=2024-13-01", "since"),
        ("until=yesterday", "until"),
        ("since=20240101", "since"),
        ("since=2024-06-01&until=2024-01-01", "since"),
        ("who=shops", "who"),
    ],
)
def test_bad_stance_query_is_400(client: TestClient, query: str, field: str) -> None:
    for path in ("/api/v1/stances", "/api/v1/stances.csv"):
        assert error(client.get(f"{path}?{query}"), 400)["field"] == field


def test_unknown_stakeholder_suggests_a_close_match(client: TestClient) -> None:
    body = error(client.get("/api/v1/stances?stakeholder=shop"), 400)
    assert "did you mean shops" in body["message"]


def test_matrix_follows_the_explore_filters_and_hypotheses(client: TestClient) -> None:
    matrix = client.get("/api/v1/matrix").json()
    assert matrix["options"] == ["no-change", "painted-lanes", "protected-lanes"]
    rows = {r["stakeholder"]: r["positions"] for r in matrix["rows"]}
    assert rows["council"] == {"no-change": None, "painted-lanes": 1, "protected-lanes": "unknown"}
    assert rows["shops"]["protected-lanes"] == -2

    kerbs = client.get("/api/v1/matrix?category=kerbs&assume=shops:0").json()
    assert kerbs["options"] == ["protected-lanes"]
    assert {r["stakeholder"]: r["positions"] for r in kerbs["rows"]}["shops"] == {
        "protected-lanes": 0
    }


# --- sources -------------------------------------------------------------------------------------


def test_sources_with_claims_and_link_status(client: TestClient, engine: Engine) -> None:
    sources = client.get("/api/v1/sources").json()["sources"]
    assert [s["id"] for s in sources] == ["traffic-study", "local-paper"]
    assert sources[0]["link"] is None and sources[0]["cited_by"] == 10

    with Session(engine) as session:
        session.add(
            m.LinkCheck(
                url="https://example.org/riverton/traffic-study",
                status=404,
                ok=False,
                archive_url="https://web.archive.org/web/2024/x",
                checked_at=dt.datetime(2024, 7, 1, tzinfo=dt.UTC),
            )
        )
        session.commit()
    source = client.get("/api/v1/sources/traffic-study").json()
    assert source["link"]["ok"] is False and source["link"]["status"] == 404
    assert source["link"]["archive_url"] == "https://web.archive.org/web/2024/x"
    assert source["link"]["checked_at"].startswith("2024-07-01T00:00:00")
    kinds = {c["kind"] for c in source["claims"]}
    assert kinds == {"assessment", "hurdle", "stance", "dispute"}
    assert len(source["claims"]) == source["cited_by"] == 10
    assert {
        "kind": "hurdle",
        "label": "Painted lanes: Highway code, s. 12",
        "href": "/options/painted-lanes",
        "locator": "p. 10",
    } in source["claims"]


# --- compare, permalinks, dataset ----------------------------------------------------------------


def test_compare_is_the_same_snapshot_as_compare_json(client: TestClient) -> None:
    query = "o=protected-lanes,painted-lanes&w=cost:5&assume=mayor:0"
    api = client.get(f"/api/v1/compare?{query}")
    assert api.status_code == 200
    assert api.json() == client.get(f"/compare.json?{query}").json()
    assert api.json()["query"] == query


@pytest.mark.parametrize(
    ("query", "field"),
    [("o=painted-lanes", "o"), ("", "o"), ("o=painted-lanes,nope", "o"), ("o=a,b&x=1", "x")],
)
def test_bad_compare_is_400(client: TestClient, query: str, field: str) -> None:
    assert error(client.get(f"/api/v1/compare?{query}"), 400)["field"] == field


def test_permalink_after_post(client: TestClient) -> None:
    r = client.post("/c", data={"o": "protected-lanes,painted-lanes"}, follow_redirects=False)
    assert r.status_code == 303
    code = r.headers["location"].removeprefix("/c/")
    link = client.get(f"/api/v1/permalinks/{code}").json()
    assert link["code"] == code and link["href"] == f"/c/{code}"
    assert link["state"] == "o=protected-lanes,painted-lanes"
    assert link["revision"] == 1
    assert link["created_at"].endswith(("Z", "+00:00"))
    frozen = client.get(f"/c/{code}.json").json()
    frozen.pop("permalink")
    assert link["snapshot"] == frozen


@pytest.mark.parametrize("code", ["abcdefghijkl", "x", "not%20a%20code"])
def test_unknown_permalink_is_404_json(client: TestClient, code: str) -> None:
    assert error(client.get(f"/api/v1/permalinks/{code}"), 404)["field"] == "code"


def test_dataset_endpoint_validates_back_into_the_file_schema(client: TestClient) -> None:
    ds = Dataset.model_validate(client.get("/api/v1/dataset").json())
    assert ds.model_dump(mode="json") == load_dataset(CYCLE).model_dump(mode="json")


def test_default_dataset_round_trips_too(ukraine: TestClient) -> None:
    ds = Dataset.model_validate(ukraine.get("/api/v1/dataset").json())
    assert ds.model_dump(mode="json") == load_dataset(DEFAULT_DATASET).model_dump(mode="json")


def test_revision(client: TestClient) -> None:
    body = client.get("/api/v1/revision").json()
    assert body["revision"] == 1 and len(body["content_hash"]) == 64
    assert body["dossier"]["slug"] == "riverton-cycle-lanes"


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_no_dataset_is_503_json(empty_client: TestClient) -> None:
    assert error(empty_client.get("/api/v1/options"), 503)["code"] == "no_dataset"
    assert error(empty_client.get("/api/v1/options.csv"), 503)["code"] == "no_dataset"
    assert empty_client.get("/api/docs").status_code == 200


# --- CSV -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "header", "rows"),
    [
        (
            "/api/v1/options.csv",
            [
                "slug",
                "title",
                "category",
                "status",
                "veto",
                "max_hurdle",
                "safety",
                "cost",
                "veto_why",
            ],
            3,
        ),
        ("/api/v1/options.csv?category=kerbs", None, 1),
        (
            "/api/v1/options/protected-lanes.csv",
            ["kind", "key", "title", "value", "low", "high", "confidence", "text", "sources"],
            3,  # two assessments and one hurdle
        ),
        ("/api/v1/criteria.csv", None, 2),
        ("/api/v1/stakeholders.csv", ["slug", "name", "kind", "stances", "known", "notes"], 4),
        ("/api/v1/stakeholders/shops.csv", None, 2),
        (
            "/api/v1/stances.csv",
            [
                "stakeholder",
                "option",
                "date",
                "position",
                "current",
                "summary",
                "quote",
                "quote_by",
                "sources",
            ],
            6,
        ),
        ("/api/v1/stances.csv?since=2024-05-01", None, 2),
        (
            "/api/v1/matrix.csv",
            ["stakeholder", "name", "no-change", "painted-lanes", "protected-lanes"],
            4,
        ),
        ("/api/v1/matrix.csv?category=kerbs", ["stakeholder", "name", "protected-lanes"], 4),
        ("/api/v1/sources.csv", None, 2),
        ("/api/v1/sources/traffic-study.csv", ["kind", "label", "locator", "href"], 10),
    ],
)
def test_csv_twins(client: TestClient, path: str, header: list[str] | None, rows: int) -> None:
    parsed = table(client.get(path))
    if header is not None:
        assert parsed[0] == header
    assert len(parsed) == rows + 1
    assert all(len(r) == len(parsed[0]) for r in parsed)


def test_csv_rows_match_the_json_twin(client: TestClient) -> None:
    rows = table(client.get("/api/v1/stances.csv?stakeholder=shops"))
    # Quoting keeps the comma inside "A. Trader, chair" in one field.
    assert rows[1] == [
        "shops",
        "protected-lanes",
        "2024-05-12",
        "-2",
        "true",
        "Traders now strongly oppose.",
        "We will lose customers",
        "A. Trader, chair",
        "local-paper (para 4)",
    ]
    assert '"A. Trader, chair"' in client.get("/api/v1/stances.csv?stakeholder=shops").text
    option = table(client.get("/api/v1/options/protected-lanes.csv"))
    assert option[1][:7] == ["assessment", "safety", "Safety gain", "5", "4", "5", "medium"]
    assert option[3][:4] == ["hurdle", "1", "Parking bylaw, s. 3", "3"]
    names = table(client.get("/api/v1/options.csv"))
    assert [r[0] for r in names[1:]] == slugs(client.get("/api/v1/options").json())


def test_csv_is_utf8(ukraine: TestClient) -> None:
    r = ukraine.get("/api/v1/sources.csv")
    rows = table(r)
    assert len(rows) - 1 == len(ukraine.get("/api/v1/sources").json()["sources"])
    r.content.decode("utf-8")  # strict: raises on anything else


# --- OpenAPI and docs ----------------------------------------------------------------------------


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_openapi_documents_every_response_and_the_shared_parameters(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    paths = spec["paths"]
    for path, item in paths.items():
        if not path.startswith("/api/v1/"):
            continue
        if "get" not in item:  # a write (proposals, tested in test_proposals.py)
            continue
        responses = item["get"]["responses"]
        assert "422" not in responses, path  # validation errors answer 400
        assert responses["4XX"]["content"]["application/json"]["schema"]["$ref"].endswith(
            "/ErrorResponse"
        )
        ok = responses["200"]["content"]
        if path.endswith(".csv"):
            assert set(ok) == {"text/csv"}, path
        else:
            assert "$ref" in ok["application/json"]["schema"], path
    params = {p["name"]: p for p in paths["/api/v1/options"]["get"]["parameters"]}
    assert set(params) == {"q", "category", "status", "max_hurdle", "veto", "sort", "assume", "at"}
    assert params["category"]["schema"]["type"] == "array"
    assert "stance.<stakeholder>" in paths["/api/v1/options"]["get"]["description"]
    assert "/api/docs" not in paths


def test_docs_page_is_self_contained_and_lists_every_path(client: TestClient) -> None:
    r = client.get("/api/docs")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in r.headers["content-security-policy"]
    html = r.text
    doc = parse(html)
    places = ("src", "href", "action")
    refs = [
        attr(e, k) for e in select(doc, "[src], [href], [action]") for k in places if e.has_attr(k)
    ]
    assert refs and all(ref.startswith(("/", "#")) for ref in refs), refs
    # CSP: no inline script, style or event handler; only the site's own script files.
    scripts = select(doc, "script")
    assert scripts and all(list(attrs(s)) == ["src", "defer"] for s in scripts)
    assert all(attr(s, "defer") == "" and not s.contents for s in scripts)
    assert all(attr(s, "src").startswith("/static/") for s in scripts)
    handlers = [
        k for e in doc.find_all(True) for k in e.attrs if re.fullmatch(r"style|on[a-z]+", k)
    ]
    assert handlers == [] and not select(doc, "style") and "<style" not in html
    # Paths may break after a slash on a phone (<wbr>), never inside a word.
    listed = texts(doc, "code")
    assert all(str(w.previous_sibling).endswith("/") for w in select(doc, "code wbr"))
    for path, item in client.get("/api/openapi.json").json()["paths"].items():
        for method in item:
            assert f"{method.upper()} {path}" in listed, (method, path)
    assert "GET /api/v1/options" in listed
    # Example links use real slugs, and they work.
    examples = [
        attr(a, "href")
        for a in select(doc, "a[href]")
        if str(a.previous_sibling or "").endswith("Example: ")
    ]
    assert "/api/v1/options/painted-lanes" in examples
    for href in examples:
        assert client.get(href).status_code == 200, href
