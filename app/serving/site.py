"""The current dataset, read once per revision and shared by every request until the next load."""

import contextlib
import ctypes
import datetime as dt
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.analysis.index import Index, build_index
from app.analysis.lru import Lru, deep_size
from app.dataset import urls
from app.dataset.dates import human
from app.dataset.records import LinkStatus, RevisionInfo
from app.errors import NoDataset, NotFound
from app.pages.parts import PageMeta, page_meta
from app.state import BadParam, Vocab, parse_at, vocab_of
from app.store import queries

PAST_INDEXES = 8
PAST_BYTES = 24 << 20  # each about 3 MB with the default dataset (its own copy counted)
_lock = threading.Lock()


@dataclass(frozen=True)
class Site:
    revision: RevisionInfo
    index: Index
    vocab: Vocab
    links: dict[str, LinkStatus] = field(default_factory=dict)
    # Indexes of the dossier as it stood on past days (`at=`), built on demand, few kept.
    past: "Lru[dt.date, Index]" = field(
        default_factory=lambda: Lru(PAST_INDEXES, max_weight=PAST_BYTES, weigh=deep_size),
        compare=False,
        repr=False,
    )

    @property
    def version(self) -> tuple[int, object]:
        """What a rendered page depends on: the dataset revision and the last link check."""
        return (self.revision.number, self.revision.links_checked_at)

    @property
    def meta(self) -> PageMeta:
        """What every page's frame shows of the dossier: templates get this, never the site."""
        return page_meta(self.index, self.revision.number, self.vocab.earliest)

    def check_proposed(self, slug: str) -> None:
        """On a past day, an option not yet proposed is not found, and the page says why."""
        why = self.vocab.later.get(slug)
        if why:
            title = next((o.title for o in self.index.later if o.slug == slug), slug)
            raise NotFound(
                f"“{title}” was {why}.",
                field="slug",
                back=("See it as it stands today", urls.option(slug)),
            )

    def at(self, day: dt.date | None) -> "Site":
        """This site as the dossier stood on `day` (None: today)."""
        if day is None:
            return self
        with _lock:  # one build at a time: a burst of past days builds each once
            index = self.past.get_or_build(
                day, lambda: build_index(self.index.ds, at=day, proposed_only=True)
            )
        # Options not yet proposed that day are unknown to the parser, which says why.
        later = {
            o.slug: f"not yet proposed on {human(day)} (first proposed on {human(o.proposed_on)})"
            for o in index.later
        }
        vocab = replace(
            self.vocab, options=tuple(o for o in self.vocab.options if o not in later), later=later
        )
        return replace(self, index=index, vocab=vocab)


def build_site(revision: RevisionInfo, index: Index) -> Site:
    return Site(revision, index, vocab_of(index.ds, index.earliest))


def release_freed_memory() -> None:
    """Hand the heap's free pages back to the system (glibc's malloc_trim): reading a dataset
    frees megabytes of rows and objects that would otherwise stay resident."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to trim
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class RevisionPoller:
    """The current revision, asked of the database at most once per interval and shared by
    every request of this process: the signal that another process loaded a dataset."""

    def __init__(self, engine: Engine, interval: float) -> None:
        self.engine = engine
        self.interval = interval
        self.lock = threading.Lock()
        self.value: RevisionInfo | None = None
        self.checked = -float("inf")

    def fresh(self) -> bool:
        return time.monotonic() - self.checked < self.interval

    def current(self) -> RevisionInfo | None:
        if self.fresh():
            return self.value
        with self.lock:
            if time.monotonic() - self.checked >= self.interval:
                with Session(self.engine) as session:
                    self.value = queries.current_revision(session)
                self.checked = time.monotonic()
            return self.value


def get_site(request: Request) -> Site:
    poller: RevisionPoller = request.app.state.revision
    revision = poller.current()
    if revision is None:
        raise NoDataset("No dataset is loaded yet. Run `explorer load` (or `make run`).")
    cached: Site | None = getattr(request.app.state, "site", None)
    if cached is not None and cached.revision == revision:
        return _at(request, cached)
    with _lock:
        cached = getattr(request.app.state, "site", None)
        if cached is None or cached.revision != revision:
            with Session(poller.engine) as session:
                if cached is None or cached.revision.number != revision.number:
                    ds = queries.dataset(session, revision=revision.number)
                    if ds is None:
                        raise NoDataset("The dataset tables are empty. Run `explorer load`.")
                    cached = build_site(revision, build_index(ds))
                    release_freed_memory()
                # Link status changes without a new revision: refresh just that part.
                cached = replace(cached, revision=revision, links=queries.link_checks(session))
            request.app.state.site = cached
    return _at(request, cached)


def _at(request: Request, site: Site) -> Site:
    # `at=` is valid on every page and API route, so it is resolved here, once.
    raw = request.query_params.getlist("at")
    if len(raw) > 1:
        raise BadParam("at", "may be given only once")
    return site.at(parse_at(raw[0].strip(), site.vocab)) if raw and raw[0].strip() else site


SiteDep = Annotated[Site, Depends(get_site)]


def kept_site(request: Request) -> Site | None:
    """The site as kept, when nothing is to be read or built for it: the revision was polled
    lately and no past day is asked for (the common case: a reader trying weights)."""
    poller: RevisionPoller = request.app.state.revision
    cached: Site | None = getattr(request.app.state, "site", None)
    if (
        poller.fresh()
        and cached is not None
        and cached.revision == poller.value
        and "at" not in request.query_params
    ):
        return cached
    return None


async def current_site(request: Request) -> Site:
    """`get_site`, without a thread when the kept site will do."""
    site = kept_site(request)
    return site if site is not None else await run_in_threadpool(get_site, request)


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
