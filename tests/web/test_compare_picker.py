"""/compare with fewer than two options: a picker page, not an error. Its exports, the API and
permanent links still refuse fewer than two; unknown slugs and more than six stay 400."""

from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from tests.helpers import attr, attrs, one, select, text
from tests.web.test_compare import columns

CYCLE_OPTIONS = ["painted-lanes", "protected-lanes", "no-change"]  # in dataset order


@dataclass
class PickerForm:
    """The picker form's fields as a browser would send them: (name, value, checkbox?) in
    document order, and each checkbox's label text."""

    fields: list[tuple[str, str, bool]]
    labels: dict[str, str]
    ids: set[str]


def picker(html: str) -> PickerForm:
    form = one(html, "form.picker")
    assert attrs(form).get("method") == "get" and attrs(form).get("action") == "/compare"
    inputs = select(form, "input[name]")
    return PickerForm(
        fields=[
            (attr(i, "name"), attrs(i).get("value", ""), attrs(i).get("type") == "checkbox")
            for i in inputs
        ],
        labels={attrs(label).get("for", ""): label.get_text() for label in select(form, "label")},
        ids={attrs(i).get("id", "") for i in inputs},
    )


def ticked(form: PickerForm, *slugs: str) -> str:
    """The query the form sends with these boxes ticked."""
    sent = [(k, v) for k, v, box in form.fields if not box or v in slugs]
    return urlencode(sent)


def boxes(form: PickerForm) -> list[str]:
    return [v for k, v, box in form.fields if box and k == "o"]


def hidden(form: PickerForm) -> list[tuple[str, str]]:
    return [(k, v) for k, v, box in form.fields if not box]


def test_no_option_lists_every_option_to_tick(client: TestClient) -> None:
    r = client.get("/compare", follow_redirects=False)
    assert r.status_code == 200
    assert "<h1>Choose options to compare</h1>" in r.text
    assert "Kept in the comparison" not in r.text
    form = picker(r.text)
    assert boxes(form) == CYCLE_OPTIONS
    assert hidden(form) == []
    # Each box is labelled by its option's title and veto status; its summary describes it.
    assert form.labels["pick-painted-lanes"].split() == ["Painted", "lanes", "?", "Uncertain"]
    assert form.labels["pick-no-change"].split()[-2:] == ["✓", "Clear"]
    assert {f"pick-{s}" for s in CYCLE_OPTIONS} <= form.ids
    assert 'aria-describedby="pick-no-change-summary"' in r.text
    assert '<p class="picker-summary" id="pick-no-change-summary">Change nothing.</p>' in r.text
    assert "Tick 2 to 6 below" in r.text and "carry over" not in r.text


def test_one_option_is_kept_and_weights_and_hypotheses_ride_along(client: TestClient) -> None:
    r = client.get("/compare?o=painted-lanes&w=cost:5&assume=mayor:0", follow_redirects=False)
    assert r.status_code == 200
    html = r.text
    assert (
        "Kept in the comparison" in html
        and 'href="/options/painted-lanes">Painted lanes</a>' in html
    )
    form = picker(html)
    assert boxes(form) == ["protected-lanes", "no-change"]
    assert hidden(form) == [("o", "painted-lanes"), ("w", "cost:5"), ("assume", "mayor:0")]
    assert "Tick 1 to 5 more below" in html and "Your weights and hypotheses carry over." in html
    # Starting over without the kept option keeps the weights and hypotheses too.
    assert 'href="/compare?w=cost:5&amp;assume=mayor:0">Choose without Painted lanes</a>' in html


def test_submitting_the_picker_gives_the_comparison(client: TestClient) -> None:
    form = picker(client.get("/compare?o=painted-lanes&w=cost:5&assume=mayor:0").text)
    r = client.get("/compare?" + ticked(form, "no-change"), follow_redirects=False)
    # The form sends `o` once per box: the canonical URL joins them, kept option first.
    assert r.status_code == 302
    assert r.headers["location"] == "/compare?o=painted-lanes,no-change&w=cost:5&assume=mayor:0"
    page = client.get(r.headers["location"])
    assert page.status_code == 200
    assert columns(page.text) == ["Painted lanes", "Leave Main Street as it is"]
    # From nothing: tick two.
    form = picker(client.get("/compare").text)
    page = client.get("/compare?" + ticked(form, "protected-lanes", "no-change"))
    assert page.status_code == 200
    assert columns(page.text) == ["Protected lanes", "Leave Main Street as it is"]
    # Ticking one only keeps it and asks again.
    page = client.get("/compare?" + ticked(form, "no-change"))
    assert page.status_code == 200 and "Kept in the comparison" in page.text
    assert boxes(picker(page.text)) == ["painted-lanes", "protected-lanes"]


def test_the_day_shown_rides_along(ukraine: TestClient) -> None:
    r = ukraine.get("/compare?o=nato-membership&at=2025-06-12", follow_redirects=False)
    assert r.status_code == 200 and "As it stood on" in r.text
    form = picker(r.text)
    assert hidden(form) == [("o", "nato-membership"), ("at", "2025-06-12")]
    # Offered: the options already proposed on that day (the Merz and US proposals came later).
    slugs = {o["slug"] for o in ukraine.get("/api/v1/options?at=2025-06-12").json()["options"]}
    assert "eu-associate-membership" not in slugs and "us-article-5-like" not in slugs
    assert len(boxes(form)) == len(slugs) - 1
    assert set(boxes(form)) == slugs - {"nato-membership"}
    page = ukraine.get("/compare?" + ticked(form, "bilateral-agreements"))
    assert page.status_code == 200 and "As it stood on" in page.text
    assert len(columns(page.text)) == 2


@pytest.mark.parametrize(
    ("query", "canonical"),
    [
        ("o=", "/compare"),
        ("o=painted-lanes&w=cost:2", "/compare?o=painted-lanes"),  # 2 is cost's default
        ("w.cost=5&o=painted-lanes", "/compare?o=painted-lanes&w=cost:5"),
    ],
)
def test_non_canonical_picker_urls_redirect(client: TestClient, query: str, canonical: str) -> None:
    r = client.get(f"/compare?{query}", follow_redirects=False)
    assert r.status_code == 302 and r.headers["location"] == canonical


def test_removing_one_of_two_columns_leads_to_the_picker(client: TestClient) -> None:
    html = client.get("/compare?o=painted-lanes,protected-lanes&w=cost:5").text
    remove = [
        attr(a, "href")
        for a in select(html, "a[href]")
        if a.contents[:1] == ["Remove"]
        and a.contents[1:2] == select(a, ':scope > span[class="visually-hidden"]')[:1]
        and text(a).startswith("Remove Painted lanes")
    ]
    assert remove
    r = client.get(remove[0], follow_redirects=False)
    assert r.status_code == 200
    form = picker(r.text)
    assert hidden(form) == [("o", "protected-lanes"), ("w", "cost:5")]
    assert boxes(form) == ["painted-lanes", "no-change"]


@pytest.mark.parametrize("query", ["", "o=painted-lanes", "o=painted-lanes&w=cost:5"])
def test_exports_and_api_still_refuse_fewer_than_two(client: TestClient, query: str) -> None:
    for path in ("/compare.csv", "/compare.json", "/api/v1/compare"):
        r = client.get(f"{path}?{query}")
        assert r.status_code == 400, path
        assert "choose 2 to 6 options to compare" in r.text, path
    r = client.post(
        "/c", content=query, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert r.status_code == 400


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("o=painted-lane", "did you mean painted-lanes"),
        ("o=painted-lanes,painted-lanes", "more than once"),
        ("o=painted-lanes&w=speed:3", "unknown criterion"),
        ("o=painted-lanes&assume=mayor:7", "unknown position"),
        ("o=painted-lanes&at=1999-01-01", "must be a date from"),
        ("o=painted-lanes&sort=title", "not a parameter"),
    ],
)
def test_bad_input_with_one_option_stays_a_400(client: TestClient, query: str, words: str) -> None:
    r = client.get(f"/compare?{query}")
    assert r.status_code == 400 and words in r.text
