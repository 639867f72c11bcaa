"""Regression tests for the attack findings of issue 14 that the HTTP surface answers."""

import csv
import io
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.config import Settings
from app.main import create_app
from app.serving.csvout import cell
from app.state import BadParam, parse_explore, strict_int
from app.web.middleware.security_headers import same_site
from tests.helpers import CYCLE, load

PAIR = "painted-lanes,protected-lanes"
# Each passed str.isdigit() (or lstrip("-") of it) and then crashed int() with a 500.
BAD_NUMBERS = ["²", "①", "٣", "--1", "1" * 5000, "+1", "1 2", "0x1", "1_0"]


@pytest.mark.parametrize("raw", BAD_NUMBERS)
def test_strict_int_takes_ascii_digits_only(raw: str) -> None:
    assert strict_int(raw) is None


def test_strict_int_takes_plain_numbers() -> None:
    assert [strict_int(v) for v in ("0", "5", "-2", "007")] == [0, 5, -2, 7]


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
@pytest.mark.parametrize("raw", BAD_NUMBERS)
def test_odd_numbers_are_a_clear_400_everywhere(client: TestClient, raw: str) -> None:
    n = quote(raw)
    urls = [
        f"/?min.safety={n}",
        f"/?max_hurdle={n}",
        f"/matrix?min.safety={n}",
        f"/compare?o={PAIR}&w=safety:{n}",
        f"/compare.csv?o={PAIR}&w=safety:{n}",
        f"/api/v1/options?max_hurdle={n}",
        f"/api/v1/matrix?min.safety={n}",
        f"/api/v1/compare?o={PAIR}&w=safety:{n}",
    ]
    for url in urls:
        r = client.get(url, follow_redirects=False)
        assert r.status_code == 400, url[:80]
        assert "whole number" in r.text or "longer than" in r.text, url[:80]
    r = client.post("/c", data={"o": PAIR, "w": f"safety:{raw}"}, follow_redirects=False)
    assert r.status_code == 400
    assert "whole number" in r.text or "longer than" in r.text


def test_huge_content_length_is_413_not_500(client: TestClient) -> None:
    r = client.post("/c", content=b"o=x", headers={"content-length": "9" * 5000})
    assert r.status_code == 413


def test_long_option_lists_are_refused_in_linear_time() -> None:
    from tests.test_state import VOCAB

    # 60,000 repeats of a valid slug: the old duplicate check took O(n²) (tens of seconds here).
    raw = ",".join(["a5"] * 60_000)
    start = time.perf_counter()
    with pytest.raises(BadParam, match="longer than 4000 characters"):
        parse_explore([("o", raw)], VOCAB)
    with pytest.raises(BadParam, match="more than 100 items"):
        parse_explore([("o", "a5")] * 150, VOCAB)
    assert time.perf_counter() - start < 1.0


def test_duplicates_in_o_are_still_named(client: TestClient) -> None:
    r = client.get("/compare?o=painted-lanes,protected-lanes,painted-lanes")
    assert r.status_code == 400
    assert "painted-lanes more than once" in r.text


@pytest.mark.parametrize(
    "url",
    [
        "/?o=" + ",".join(["painted-lanes"] * 2_000),
        "/compare?o=" + ",".join(["painted-lanes"] * 2_000),
        "/api/v1/options?o=" + ",".join(["painted-lanes"] * 2_000),
        "/compare?o=painted-lanes,protected-lanes&w=" + ",".join(["safety:1"] * 500),
        "/?assume=" + ",".join(["mayor:0"] * 500),
        "/?q=" + "x" * 5_000,
        "/?" + "x" * 5_000 + "=1",
    ],
)
def test_oversized_parameters_are_a_clear_400(client: TestClient, url: str) -> None:
    r = client.get(url, follow_redirects=False)
    assert r.status_code == 400
    assert "more than 100 items" in r.text or "longer than" in r.text


# --- F16: method handling -------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/", "/matrix", "/options/painted-lanes", f"/compare?o={PAIR}", "/api/v1/options"]
)
def test_head_answers_like_get_without_a_body(client: TestClient, path: str) -> None:
    get = client.get(path, headers={"accept-encoding": "identity"})
    head = client.head(path, headers={"accept-encoding": "identity"})
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers["content-length"] == str(len(get.content))
    assert head.headers["content-security-policy"] == get.headers["content-security-policy"]


def test_405_names_the_allowed_methods(client: TestClient) -> None:
    r = client.post("/matrix")
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, HEAD"
    assert client.delete("/api/v1/options").headers["allow"] == "GET, HEAD"
    assert client.get("/c").headers["allow"] == "POST"


def test_500_carries_the_security_headers(
    client: TestClient, engine: Engine, migrated: Settings
) -> None:
    headers = client.get("/").headers
    with engine.begin() as conn:  # a broken database: the one way left to a 500
        conn.exec_driver_sql("DROP TABLE permalink")
    with TestClient(create_app(migrated), raise_server_exceptions=False) as broken:
        for path, kind in (
            ("/c/AAAAAAAAAAAA", "text/html"),
            ("/api/v1/permalinks/AAAAAAAAAAAA", "json"),
        ):
            r = broken.get(path)
            assert r.status_code == 500
            assert kind in r.headers["content-type"]
            assert "no such table" not in r.text  # internals stay in the log
            for name in ("content-security-policy", "x-frame-options", "x-content-type-options"):
                assert r.headers[name] == headers[name], name


# --- F4: the Host header ----------------------------------------------------------------------


def _permalink(client: TestClient) -> str:
    r = client.post("/c", data={"o": PAIR}, follow_redirects=False)
    assert r.status_code == 303
    return r.headers["location"]


def test_share_link_comes_from_public_url_not_host(client: TestClient) -> None:
    path = _permalink(client)
    poisoned = client.get(path, headers={"host": "evil.example"})
    assert poisoned.status_code == 200
    assert "evil.example" not in poisoned.text
    normal = client.get(path).text  # from the page cache: it must not carry the forged host
    assert "evil.example" not in normal
    assert f'<meta property="og:url" content="http://127.0.0.1:8000{path}">' in normal
    assert f'value="http://127.0.0.1:8000{path}"' in normal


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_public_url_setting_is_used_for_absolute_links(engine: Engine, migrated: Settings) -> None:
    load(engine, CYCLE)
    settings = migrated.model_copy(update={"public_url": "https://explorer.example.org/"})
    with TestClient(create_app(settings)) as client:
        path = _permalink(client)
        assert f'content="https://explorer.example.org{path}"' in client.get(path).text


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8443", "127.0.0.1:8000"])
def test_redirects_stay_on_this_site_whatever_the_host(client: TestClient, host: str) -> None:
    for path, target in (
        ("/matrix/", "/matrix"),
        ("/stakeholders/", "/stakeholders"),
        (f"/compare/?o={PAIR}", f"/compare?o={PAIR}"),
        (f"/?o={PAIR.replace(',', '%2C')}", f"/?o={PAIR}"),
    ):
        r = client.get(path, headers={"host": host}, follow_redirects=False)
        assert r.is_redirect, path
        assert r.headers["location"] == target, path


def test_same_site_folds_scheme_relative_paths() -> None:
    assert same_site(b"http://evil.example//evil.example/x?a=1") == b"/evil.example/x?a=1"
    assert same_site(b"/\\evil.example") == b"/evil.example"
    assert same_site(b"https://evil.example") == b"/"
    assert same_site(b"/c/abc") == b"/c/abc"


# --- F10: CSV formula injection -------------------------------------------------------------


def test_csv_exports_neutralise_formulas(
    engine: Engine, migrated: Settings, tmp_path: Path
) -> None:
    text = (
        CYCLE.read_text(encoding="utf-8")
        .replace("title: Painted lanes", """title: '=HYPERLINK("http://evil.example","x")'""")
        .replace("requires: Road markings approval.", 'requires: "@SUM(1+1)"')
        .replace("summary: Traders worry about parking.", 'summary: "-2+3"')
        .replace("quote: We will lose customers", 'quote: "+cmd|x"')
        .replace("rationale: Paint costs little.", 'rationale: "-cheap"')
    )
    evil = tmp_path / "evil.yaml"
    evil.write_text(text, encoding="utf-8")
    load(engine, evil)
    with TestClient(create_app(migrated)) as client:
        code = _permalink(client)
        urls = [
            "/api/v1/options.csv",
            "/api/v1/options/painted-lanes.csv",
            "/api/v1/stances.csv",
            "/api/v1/stakeholders/shops.csv",
            "/api/v1/matrix.csv",
            f"/compare.csv?o={PAIR}",
            f"{code}.csv",
        ]
        cells: list[str] = []
        for url in urls:
            r = client.get(url)
            assert r.status_code == 200, url
            cells += [c for row in csv.reader(io.StringIO(r.text)) for c in row]
    assert '\'=HYPERLINK("http://evil.example","x")' in cells
    assert {"'@SUM(1+1)", "'-2+3", "'+cmd|x", "'-cheap"} <= set(cells)
    for c in cells:
        number = c.lstrip("-").replace(".", "", 1).isdigit()
        assert number or not c.startswith(("=", "+", "-", "@", "\t", "\r")), c


def test_csv_cell_neutralises_every_formula_start() -> None:
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert cell(start + "1+1") == "'" + start + "1+1"
    assert [cell(-2), cell(2.5), cell("a=b"), cell(None)] == ["-2", "2.5", "a=b", ""]
