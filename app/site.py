"""The current dataset, read once per revision and shared by every request until the next load."""

import datetime as dt
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app import queries
from app.analysis.index import Index, build_index
from app.dataset.schema import Criterion
from app.errors import NoDataset
from app.records import LinkStatus, RevisionInfo
from app.state import OPTION_STATUSES, BadParam, Vocab, parse_at
from app.views.pages import PageMeta, page_meta

STATUSES = OPTION_STATUSES
PAST_INDEXES = 32
_lock = threading.Lock()


@dataclass(frozen=True)
class Site:
    revision: RevisionInfo
    index: Index
    vocab: Vocab
    links: dict[str, LinkStatus] = field(default_factory=dict)
    # Indexes of the dossier as it stood on past days (`at=`), built on demand, few kept.
    past: "OrderedDict[dt.date, Index]" = field(
        default_factory=OrderedDict, compare=False, repr=False
    )

    @property
    def version(self) -> tuple[int, object]:
        """What a rendered page depends on: the dataset revision and the last link check."""
        return (self.revision.number, self.revision.links_checked_at)

    @property
    def meta(self) -> PageMeta:
        """What every page's frame shows of the dossier: templates get this, never the site."""
        return page_meta(self.index, self.revision.number)

    def at(self, day: dt.date | None) -> "Site":
        """This site as the dossier stood on `day` (None: today)."""
        if day is None:
            return self
        with _lock:
            index = self.past.get(day)
            if index is None:
                index = build_index(self.index.ds, at=day)
                self.past[day] = index
                if len(self.past) > PAST_INDEXES:
                    self.past.popitem(last=False)
            else:
                self.past.move_to_end(day)
        return replace(self, index=index)


def build_site(revision: RevisionInfo, index: Index) -> Site:
    ds = index.ds
    vocab = Vocab(
        categories=tuple(sorted({o.category for o in ds.options})),
        statuses=STATUSES,
        attributes={
            a.slug: ("true", "false")
            if a.type == "bool"
            else tuple(a.values or ())
            if a.type == "enum"
            else tuple(
                sorted({str(o.attributes[a.slug]) for o in ds.options if a.slug in o.attributes})
            )
            for a in ds.attributes
        },
        criteria={c.slug: c.default_weight for c in ds.criteria},
        stakeholders=tuple(s.slug for s in ds.stakeholders),
        options=tuple(o.slug for o in ds.options),
        conditions=tuple(c.slug for c in ds.conditions),
        earliest=index.earliest,
        axes=overview_axes(ds.criteria),
        publishers=tuple(sorted({s.publisher for s in ds.sources}, key=str.casefold)),
    )
    return Site(revision, index, vocab)


def overview_axes(criteria: Sequence[Criterion]) -> tuple[str, str] | None:
    """The overview chart's default criteria: the first one across, and up the next one where
    higher is better (for the Ukraine dossier: political feasibility x deterrence)."""
    if len(criteria) < 2:
        return None
    x = criteria[0].slug
    ups = [c.slug for c in criteria[1:] if c.direction == "higher-is-better"]
    return x, (ups or [criteria[1].slug])[0]


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


async def current_site(request: Request) -> Site:
    """`get_site` without a thread when nothing is to be read or built: the revision was polled
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
    return await run_in_threadpool(get_site, request)


LoopSiteDep = Annotated[Site, Depends(current_site)]
