"""Regression tests for the attack findings of issue 14 that the HTTP surface answers."""

import time
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from app.state import BadParam, parse_explore, strict_int

PAIR = "painted-lanes,protected-lanes"
# Each passed str.isdigit() (or lstrip("-") of it) and then crashed int() with a 500.
BAD_NUMBERS = ["²", "①", "٣", "--1", "1" * 5000, "+1", "1 2", "0x1", "1_0"]


@pytest.mark.parametrize("raw", BAD_NUMBERS)
def test_strict_int_takes_ascii_digits_only(raw: str) -> None:
    assert strict_int(raw) is None


def test_strict_int_takes_plain_numbers() -> None:
    assert [strict_int(v) for v in ("0", "5", "-2", "007")] == [0, 5, -2, 7]


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
