"""A permanent link, `/c/{code}`, and its embed, `/embed/c/{code}`: the comparison frozen when
the link was made (its own snapshot, never today's data), what has changed in the data since,
and its JSON and CSV twins (`/c/{code}.json`, `/c/{code}.csv`).

Pure: no FastAPI, no database: the route reads the link and today's comparison."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pydantic import Field

from app.analysis.compare import CellChange, diff_snapshots
from app.analysis.snapshot import Snapshot
from app.dataset import urls
from app.dataset.urls import href
from app.pages import compare
from app.pages.comparison import CompareView, compare_view
from app.views.models import Out, UtcDatetime


@dataclass(frozen=True)
class PermalinkPage:
    code: str
    snap: Snapshot  # frozen when the link was made
    created_at: dt.datetime
    cv: CompareView
    og: dict[str, str]
    url: str  # the link's full address, to share
    live: str | None  # the same comparison on today's data, None if it cannot be shown
    missing: str | None  # why it cannot, in words
    changes: tuple[CellChange, ...]  # what differs on today's data, cell by cell
    controls: None = None  # a frozen comparison has no column controls

    @property
    def path(self) -> str:
        return urls.permalink(self.code)

    @property
    def embed_path(self) -> str:
        return "/embed" + self.path

    @property
    def embed_url(self) -> str:
        return self.url.removesuffix(self.path) + self.embed_path

    @property
    def embed_origin(self) -> str:
        """Where the embed's page is served from: its messages must come from there."""
        return "/".join(self.embed_url.split("/")[:3])

    @property
    def og_image(self) -> str:
        return self.path + "/preview.png"

    @property
    def chart_urls(self) -> dict[str, dict[str, str]]:
        return compare.chart_urls(self.path + "/ranks", [])

    @property
    def exports(self) -> dict[str, str | bool]:
        return {"csv": self.path + ".csv", "json": self.path + ".json", "in_page": True}


def build(
    code: str,
    snap: Snapshot,
    created_at: dt.datetime,
    *,
    public_url: str,
    live: list[tuple[str, str]] | None,
    missing: str | None = None,
    fresh: Snapshot | None = None,
) -> PermalinkPage:
    """The page from the frozen snapshot; `live` is the link's state if today's data can show
    it, `fresh` today's comparison when the data has a newer revision than the link's."""
    cv = compare_view(snap)
    return PermalinkPage(
        code=code,
        snap=snap,
        created_at=created_at,
        cv=cv,
        og=compare.og_text(snap, cv),
        url=f"{public_url.rstrip('/')}{urls.permalink(code)}",
        live=None if live is None else href(compare.PATH, live),
        missing=missing,
        changes=tuple(diff_snapshots(snap, fresh)) if fresh is not None else (),
    )


# A permanent link as `/api/v1/permalinks/{code}` gives it (no docstring: it would change the
# published schema).
class PermalinkOut(Out):
    code: str
    href: str
    state: str = Field(description="The canonical compare query string")
    revision: int = Field(description="The dataset revision the snapshot was taken from")
    created_at: UtcDatetime
    snapshot: compare.CompareExport


def json_data(code: str, snap: Snapshot) -> dict[str, Any]:
    """The JSON twin: the comparison as /compare.json gives it, and where the link lives."""
    return {**compare.export(snap).json_data(), "permalink": urls.permalink(code)}
