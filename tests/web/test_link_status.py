"""Link-check results appear on /sources and beside every citation, without a new revision."""

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.store import models as m

URL = "https://example.org/riverton/traffic-study"
ARCHIVE = "https://web.archive.org/web/2024/https://example.org/riverton/traffic-study"


def record(engine: Engine, *, ok: bool) -> None:
    with Session(engine) as session:
        session.merge(
            m.LinkCheck(
                url=URL,
                status=200 if ok else 404,
                ok=ok,
                final_url=URL,
                archive_url=None if ok else ARCHIVE,
                checked_at=dt.datetime(2024, 7, 1, tzinfo=dt.UTC)
                + dt.timedelta(days=0 if ok else 1),
            )
        )
        session.commit()


def test_dead_link_shows_archived_copy_everywhere(client: TestClient, engine: Engine) -> None:
    # Pages are cached; a link check must still show up on the next request.
    assert "link dead" not in client.get("/sources").text
    assert "link dead" not in client.get("/options/painted-lanes").text
    record(engine, ok=False)
    html = client.get("/sources").text
    assert "link dead when checked 2024-07-02 (HTTP 404)" in html
    assert f'<a href="{ARCHIVE}" rel="noopener noreferrer">archived copy</a>' in html
    option = client.get("/options/painted-lanes").text
    assert f'(link dead; <a href="{ARCHIVE}"' in option
    assert "archived copy" in client.get("/sources/traffic-study").text
    # Link status is metadata: the dataset revision is unchanged.
    assert client.get("/healthz").json()["revision"] == 1


def test_working_link_is_marked_as_checked(client: TestClient, engine: Engine) -> None:
    record(engine, ok=True)
    assert "link checked 2024-07-01: working" in client.get("/sources").text
    assert "link dead" not in client.get("/options/painted-lanes").text
