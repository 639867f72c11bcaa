"""Corrections and credits (issue 19, point 8): every page offers "Report an error"; the form
needs no account, is rate-limited, has a spam trap, refuses bad input with the fields kept,
cannot be posted from another site, and stores the report for `explorer corrections`. The
dossier names its editors and a contact, on /methodology and in every footer."""

import html as htmllib
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.config import DEFAULT_DATASET, Settings
from app.dataset.check import load_dataset
from app.dataset.problems import DatasetInvalid
from app.main import create_app
from app.ops.cli import main
from app.store import queries
from app.web.middleware import rate_limit
from tests.helpers import attr, links, load, one, select, text

GOOD = {
    "page": "/options/nato-membership",
    "cell": "Hungary, stance",
    "text": "Hungary's new government spoke on 2 May 2026; the page still says unknown.",
    "source_url": "https://example.org/statement",
    "email": "reader@example.org",
}


def stored(engine: Engine) -> list[tuple[str, str, str, str | None, str | None, str]]:
    with Session(engine) as session:
        return [
            (c.page, c.cell, c.text, c.source_url, c.email, c.status)
            for c in queries.corrections(session)
        ]


def report_link(page_html: str) -> str:
    found = [
        attr(a, "href")
        for a in select(page_html, 'a[class="report-link"][href]')
        if a.decode_contents() == "Report an error"
    ]
    assert found, "no Report an error link"
    return found[0]


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
@pytest.mark.parametrize(
    ("path", "page"),
    [
        ("/", "%2F"),
        ("/options/nato-membership", "%2Foptions%2Fnato-membership"),
        ("/compare?o=nato-membership,eu-membership", "%2Fcompare%3Fo%3Dnato-membership"),
        ("/matrix", "%2Fmatrix"),
        ("/sources", "%2Fsources"),
        ("/no-such-page", "%2Fno-such-page"),
    ],
)
def test_every_page_offers_report_an_error_with_its_address(
    ukraine: TestClient, path: str, page: str
) -> None:
    link = report_link(ukraine.get(path).text)
    assert link.startswith(f"/report?page={page}")
    form = ukraine.get(link)
    assert form.status_code == 200
    assert 'name="website"' in form.text  # the spam trap
    value = attr(one(form.text, 'input#r-page[name="page"][type="text"]'), "value")
    assert value.startswith(path.split("?")[0])


def test_a_report_is_stored_with_its_page_and_cell(ukraine: TestClient, engine: Engine) -> None:
    r = ukraine.get("/report?page=/options/nato-membership&cell=Hungary")
    assert 'value="Hungary"' in r.text
    r = ukraine.post("/report", data=GOOD, follow_redirects=False)
    assert r.status_code == 303
    thanks = ukraine.get(r.headers["location"])
    assert "Your report was received" in thanks.text
    assert 'href="/options/nato-membership"' in thanks.text
    assert stored(engine) == [
        (GOOD["page"], GOOD["cell"], GOOD["text"], GOOD["source_url"], GOOD["email"], "open")
    ]
    # Source and e-mail are optional.
    bare = {"page": "/matrix", "text": "The Hungary row has no date in the NATO column."}
    assert ukraine.post("/report", data=bare, follow_redirects=False).status_code == 303
    assert stored(engine)[1] == ("/matrix", "", bare["text"], None, None, "open")


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("text", "", "What is wrong say what is wrong, in at least 10 characters"),
        ("text", "x" * 5001, "What is wrong is 5001 characters long; at most 5000"),
        ("page", "https://evil.example/", "Page must be the address of a page of this site"),
        ("page", "//evil.example/x", "Page must be the address of a page of this site"),
        ("source_url", "javascript:alert(1)", "Source must be an http:// or https:// address"),
        ("email", "not an address", "E-mail must be an e-mail address"),
        ("cell", "Hungary\x00", "Cell or passage contains a NUL character"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_the_fields_kept(
    ukraine: TestClient, engine: Engine, field: str, value: str, message: str
) -> None:
    r = ukraine.post("/report", data={**GOOD, field: value}, follow_redirects=False)
    assert r.status_code == 400
    assert message in htmllib.unescape(r.text)
    assert 'aria-invalid="true"' in r.text
    # What the reader typed is still there, to fix rather than retype.
    kept = GOOD["text"] if field != "text" else GOOD["email"]
    assert kept in htmllib.unescape(r.text)
    assert stored(engine) == []


def test_the_spam_trap_stores_nothing_and_answers_as_usual(
    ukraine: TestClient, engine: Engine
) -> None:
    r = ukraine.post(
        "/report", data={**GOOD, "website": "http://spam.example"}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"].startswith("/report/sent")
    assert stored(engine) == []


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example", "Content-Type": "application/x-www-form-urlencoded"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
    ],
)
def test_another_site_cannot_post_reports(
    ukraine: TestClient, engine: Engine, headers: dict[str, str]
) -> None:
    """A page elsewhere with a self-submitting form (CSRF) stores no junk."""
    r = ukraine.post("/report", data=GOOD, headers=headers, follow_redirects=False)
    assert r.status_code == 403
    assert "can only be sent from a page of this site" in r.text
    assert stored(engine) == []
    # The same form from this site's own page goes through.
    own = {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"}
    assert (
        ukraine.post("/report", data=GOOD, headers=own, follow_redirects=False).status_code == 303
    )


def test_reports_are_rate_limited_per_client(
    engine: Engine, migrated: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rate_limit, "now", lambda: 1_800_000_015.0)
    load(engine, DEFAULT_DATASET)
    settings = migrated.model_copy(update={"report_rate_limit": 2, "report_rate_window": 600})
    with TestClient(create_app(settings)) as client:
        codes = [
            client.post("/report", data=GOOD, follow_redirects=False).status_code for _ in range(3)
        ]
        assert codes == [303, 303, 429]
        r = client.post("/report", data=GOOD, follow_redirects=False)
        assert "Too many error reports sent from your address: at most 2 per 600 seconds" in r.text
        # Permanent links are counted apart.
        form = {"o": "nato-membership,eu-membership", "w": ""}
        assert client.post("/c", data=form, follow_redirects=False).status_code == 303
    assert len(stored(engine)) == 2


def test_explorer_corrections_lists_and_resolves(ukraine: TestClient, engine: Engine) -> None:
    ukraine.post("/report", data=GOOD, follow_redirects=False)
    runner = CliRunner()
    out = runner.invoke(main, ["corrections", "list"])
    assert out.exit_code == 0
    assert "#1" in out.output and "open  /options/nato-membership [Hungary, stance]" in out.output
    assert GOOD["text"] in out.output and "e-mail: reader@example.org" in out.output
    assert "1 report (open)" in out.output
    out = runner.invoke(main, ["corrections", "resolve", "1"])
    assert out.exit_code == 0 and "report #1 resolved" in out.output
    assert stored(engine)[0][-1] == "resolved"
    assert "0 reports (open)" in runner.invoke(main, ["corrections", "list"]).output
    assert (
        "1 report (all)" in runner.invoke(main, ["corrections", "list", "--status", "all"]).output
    )
    out = runner.invoke(main, ["corrections", "resolve", "7"])
    assert out.exit_code == 1 and "there is no report #7" in out.output


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_the_dossier_names_its_editors_and_contact(ukraine: TestClient) -> None:
    ds = load_dataset(DEFAULT_DATASET).dossier
    # The default dataset names no invented person: a collective, and the form.
    assert ds.editors == ["the Policy Option Explorer contributors"] and ds.contact == "/report"
    footer = text(one(ukraine.get("/").text, 'footer[class="site-footer"]'))
    assert "Edited by the Policy Option Explorer contributors." in footer
    method = ukraine.get("/methodology").text
    assert "This dataset is edited by the Policy Option Explorer contributors." in method
    assert 'href="/report?page=/methodology"' in method


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_a_named_contact_shows_and_a_bad_one_is_refused(
    engine: Engine, migrated: Settings, tmp_path: Path
) -> None:
    data = yaml.safe_load(DEFAULT_DATASET.read_text())
    data["dossier"]["editors"] = ["Desk A", "Desk B"]
    data["dossier"]["contact"] = "corrections@example.org"
    named = tmp_path / "named.yaml"
    named.write_text(yaml.safe_dump(data, allow_unicode=True))
    load(engine, named)
    with TestClient(create_app(migrated)) as client:
        footer = one(client.get("/").text, 'footer[class="site-footer"]')
    assert "Edited by Desk A, Desk B." in text(footer)
    assert ("corrections@example.org", "mailto:corrections@example.org") in links(footer)
    data["dossier"]["contact"] = "write to us"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(DatasetInvalid) as exc:
        load_dataset(bad)
    assert "dossier.contact" in exc.value.report() and "e-mail address" in exc.value.report()


def test_the_report_form_offers_no_date_to_choose(ukraine: TestClient) -> None:
    """The date control sends `at=`, which the form does not take (400): a form is not a view
    of the data as it stood on a day, so it has no date control."""
    form = ukraine.get("/report?page=/options/nato-membership").text
    assert 'id="date-control"' not in form and "An earlier day" not in form
    assert 'id="date-control"' in ukraine.get("/options/nato-membership").text
