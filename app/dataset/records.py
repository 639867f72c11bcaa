"""Plain records read from the database, shared by the layers that query and those that show.
They carry no database machinery, so view models may hold them."""

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class RevisionInfo:
    number: int
    content_hash: str
    loaded_at: dt.datetime
    # When `explorer check-sources` last wrote: link status is metadata outside the revision,
    # so pages that show it are keyed on this too.
    links_checked_at: dt.datetime | None = None


@dataclass(frozen=True)
class LinkStatus:
    ok: bool
    status: int | None
    error: str | None
    final_url: str | None
    archive_url: str | None
    checked_at: dt.datetime


@dataclass(frozen=True)
class Principal:
    """Who sent a request: a signed-in user (`via` "session", with the session's CSRF token)
    or an API token's owner (`via` "token")."""

    user_id: int
    name: str
    role: str
    via: str
    csrf: str = ""
