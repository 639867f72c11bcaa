"""The compare page, `/compare`: the weighted ranking of two to six options side by side, its
controls (the column moves, the option to add, the downloads and charts, each a link built from
the typed state), the picker it becomes with fewer than two options, and its JSON and CSV twins
(`/compare.json`, `/compare.csv`, `/api/v1/compare`). What it shares with a permanent link is in
app.pages.comparison.

Pure: no FastAPI, no database."""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property

from pydantic import Field

from app.analysis.compare import comparison_snapshot, snapshot_table
from app.analysis.index import Index, vetoes
from app.analysis.ranks import RankChances
from app.analysis.snapshot import Part, Snapshot
from app.analysis.snapshot_table import long_row
from app.dataset import urls
from app.dataset.urls import href
from app.dataset.vocabulary import VetoStatus
from app.pages.comparison import CompareView, chances_of, compare_view
from app.state import MAX_COMPARE, MIN_COMPARE, CompareState
from app.views.verdict import join

PATH = "/compare"
# What the scores chart's address keeps of a comparison's state: no weight changes it.
SCORES_STATE = ("o", "assume", "at")


@dataclass(frozen=True)
class Column:
    """One column's controls; each link keeps the weights, hypotheses and day."""

    remove: str  # below the minimum, the compare page is a picker that keeps the rest
    left: str | None  # None for the first column
    right: str | None  # None for the last


@dataclass(frozen=True)
class Controls:
    columns: dict[str, Column]  # by option slug
    addable: tuple[tuple[str, str], ...]  # (the `o=` with it added, its title); () when full
    fields: dict[str, str]  # the state as form fields: `o`, and `w`, `assume`, `at` if set
    full: bool  # as many options as a comparison shows (MAX_COMPARE)


def order_url(state: CompareState, order: Iterable[str]) -> str:
    """This comparison with its options in another order (or fewer), all else kept."""
    return href(PATH, state.with_options(order).pairs())


def controls(index: Index, state: CompareState) -> Controls:
    """Links and choices that edit the comparison, each built from the canonical state so that
    weights and hypotheses follow and the URL stays canonical."""
    o = list(state.o)
    columns = {}
    for i, slug in enumerate(o):
        left, right = o[:], o[:]
        if i > 0:
            left[i - 1], left[i] = left[i], left[i - 1]
        if i < len(o) - 1:
            right[i + 1], right[i] = right[i], right[i + 1]
        columns[slug] = Column(
            remove=order_url(state, [s for s in o if s != slug]),
            left=order_url(state, left) if i > 0 else None,
            right=order_url(state, right) if i < len(o) - 1 else None,
        )
    addable = tuple(
        (",".join([*o, opt.slug]), opt.title) for opt in index.options.values() if opt.slug not in o
    )
    full = len(o) >= MAX_COMPARE
    return Controls(columns, () if full else addable, dict(state.pairs()), full)


def chart_urls(ranks: str, pairs: list[tuple[str, str]]) -> dict[str, dict[str, str]]:
    """Where the comparison's charts download: the rank chances at `ranks` (.svg, .png), the
    scores by criterion beside it, without the weights."""
    base = ranks.rsplit("/", 1)[0]
    kept = [p for p in pairs if p[0] in SCORES_STATE]
    return {
        "ranks": {"svg": href(ranks + ".svg", pairs), "png": href(ranks + ".png", pairs)},
        "scores": {ext: href(f"{base}/scores.{ext}", kept) for ext in ("svg", "png")},
    }


def og_text(snapshot: Snapshot, view: CompareView | None = None) -> dict[str, str]:
    titles = [o.title for o in snapshot.options]
    rows = (view or compare_view(snapshot)).rows
    ranked = [r for r in rows if r.rank is not None]
    if ranked:
        desc = "Ranking by weighted score: " + "; ".join(
            f"{r.rank}. {r.title} ({VetoStatus(r.status).label.lower()})" for r in ranked
        )
        desc += "."
    else:
        desc = "No option is ranked under these weights."
    if snapshot.assume:
        desc += " Includes hypothetical stances."
    return {"title": "Compare: " + " vs ".join(titles), "description": desc}


def exports(state: CompareState) -> dict[str, str | bool]:
    pairs = state.pairs()
    # The ranking block carries its own, weight-aware links: `in_page`.
    return {"csv": href(PATH + ".csv", pairs), "json": href(PATH + ".json", pairs), "in_page": True}


# The controls that carry only the weights (the share bar, column moves, downloads, date
# control and the form to add an option) are rendered once per comparison with this stand-in
# weighting, whose text is then replaced by the reader's. Letters, a colon and a digit, like
# every weighting's text: URL quoting and HTML escaping leave both as they are.
WEIGHTS_SLOT = ("zzweightszz", 0)
SLOT_TEXT = "{}:{}".format(*WEIGHTS_SLOT)  # as `w=` writes it


def slotted_state(state: CompareState) -> CompareState:
    """The state with the stand-in weighting, or as it is when no weight is set (then no
    control carries `w=`, so the parts differ)."""
    return replace(state, w=(WEIGHTS_SLOT,)) if state.w else state


def weights_text(state: CompareState) -> str:
    """The weighting as `w=` carries it ("" when no weight is set)."""
    return dict(state.pairs()).get("w", "")


@dataclass(frozen=True)
class ComparePage:
    state: CompareState
    snap: Snapshot
    cv: CompareView
    chart_urls: dict[str, dict[str, str]]  # "ranks" and "scores": {"svg": ..., "png": ...}
    index: Index = field(repr=False, compare=False)

    @property
    def url(self) -> str:
        """The canonical address, which an htmx weight change pushes (with the stand-in
        weighting for a stamp's page: derived, so that no copy keeps the reader's)."""
        return href(PATH, self.state.pairs())

    @cached_property
    def og(self) -> dict[str, str]:
        # Built only for a whole page's head: a weight change sends no head.
        return og_text(self.snap, self.cv)

    @cached_property
    def controls(self) -> Controls:
        # Built only for a whole page: a weight change writes the weights into kept controls.
        return controls(self.index, self.state)

    @property
    def fields(self) -> dict[str, str]:
        """The state as form fields (the weights form's hidden ones): `o`, and `w`, `assume`,
        `at` if set."""
        return dict(self.state.pairs())

    @property
    def og_image(self) -> str:
        return href(PATH + "/preview.png", self.state.pairs())

    @property
    def exports(self) -> dict[str, str | bool]:
        return exports(self.state)


def build(index: Index, state: CompareState, *, revision: int) -> ComparePage:
    snapshot = comparison_snapshot(index, state, revision=revision)
    cv = compare_view(snapshot)
    return ComparePage(
        state,
        snapshot,
        cv,
        chart_urls(PATH + "/ranks", state.pairs()),
        index,
    )


# --- the picker ----------------------------------------------------------------------------
# With fewer than two options the page is a picker. It shows the option already chosen (if
# any) as kept and offers every other one, each with its one-line summary and veto status, in a
# plain GET form that keeps the weights, hypotheses and day shown.


@dataclass(frozen=True)
class PickerOption:
    slug: str
    title: str
    summary: str
    status: str  # veto status under the page's hypotheses: clear / uncertain / blocked / barred
    href: str


@dataclass(frozen=True)
class ComparePicker:
    kept: PickerOption | None  # the one option already chosen
    choices: tuple[PickerOption, ...]  # every other option, in dataset order
    hidden: tuple[tuple[str, str], ...]  # `w`, `assume`, `at`: sent again with the ticks
    carried: str  # what of them the reader set, in words ("your weights and hypotheses"), or ""
    fewest: int  # options still to tick, at least
    most: int  # options that may still be ticked
    sizes: tuple[int, int]  # the fewest and most options a comparison shows
    drop_kept: str | None  # the picker's address without the kept option, weights kept


def compare_picker(index: Index, state: CompareState) -> ComparePicker:
    status = {slug: v.status for slug, v in vetoes(index, state.assume).items()}

    def item(slug: str) -> PickerOption:
        o = index.options[slug]
        return PickerOption(slug, o.title, o.summary, status[slug], urls.option(slug))

    rest = state.with_options(())
    return ComparePicker(
        kept=item(state.o[0]) if state.o else None,
        choices=tuple(item(slug) for slug in index.options if slug not in state.o),
        hidden=tuple(rest.pairs()),
        carried=join([w for w, on in (("weights", state.w), ("hypotheses", state.assume)) if on]),
        fewest=MIN_COMPARE - len(state.o),
        most=MAX_COMPARE - len(state.o),
        sizes=(MIN_COMPARE, MAX_COMPARE),
        drop_kept=order_url(state, ()) if state.o else None,
    )


# --- the JSON and CSV twins ----------------------------------------------------------------
# The page shows each option's chance of each rank; its JSON and CSV twins carry the same.


class RankShare(Part):
    rank: int
    chance: float = Field(description="Probability of this rank, 0 to 1 (rounded to 4 places)")


class OptionChances(Part):
    option: str
    best: int | None = Field(description="Best rank it can take at all; null if not ranked")
    worst: int | None
    summary: str
    chances: list[RankShare]


class RankChancesOut(Part):
    method: str = Field(description='"exact", or the Monte Carlo draws and seed')
    exact: bool
    options: list[OptionChances]


class CompareExport(Snapshot):
    """The comparison as /compare.json, /c/{code}.json and /api/v1/compare give it: the
    snapshot, plus the chance of each rank that the page shows (null when nothing is ranked)."""

    rank_chances: RankChancesOut | None = None


def _chances_out(chances: RankChances) -> RankChancesOut:
    return RankChancesOut(
        method=chances.method,
        exact=chances.exact,
        options=[
            OptionChances(
                option=rc.option,
                best=rc.best,
                worst=rc.worst,
                summary=rc.summary,
                chances=[
                    RankShare(rank=r, chance=round(float(p), 4))
                    for r, p in enumerate(rc.chances, 1)
                ],
            )
            for rc in chances.options
        ],
    )


def comparison_json(index: Index, state: CompareState, *, revision: int) -> CompareExport:
    """The JSON twin of the page (`/api/v1/compare`), as `/compare.json` downloads it."""
    return export(comparison_snapshot(index, state, revision=revision))


def export(snapshot: Snapshot) -> CompareExport:
    chances = chances_of(snapshot)
    return CompareExport(
        **dict(snapshot),
        rank_chances=None if chances is None else _chances_out(chances),
    )


def chances_table(snapshot: Snapshot) -> list[list[object]]:
    """The chance of each rank (0 to 1) as rows of the long table, to follow the ranking."""
    chances = chances_of(snapshot)
    if chances is None:
        return []
    by_option = {rc.option: rc for rc in chances.options}
    rows: list[list[object]] = []
    for o in snapshot.options:
        rc = by_option[o.slug]
        who = {"option": o.slug, "option_title": o.title}
        for r in range(1, chances.ranks + 1) if rc.chances else []:
            rows.append(
                long_row(
                    "rank chances", f"chance_rank_{r}", f"chance of rank {r} ({chances.method})",
                    **who, number=round(float(rc.chance(r)), 4), value=rc.chance_text(r),
                )
            )  # fmt: skip
        rows.append(long_row("rank chances", "summary", "summary", **who, value=rc.summary))
    return rows


def table(snapshot: Snapshot) -> list[list[object]]:
    """The CSV twin: the long table, the chances after the ranking, the licence and sources
    last."""
    rows = snapshot_table(snapshot)
    at = next(i for i, row in enumerate(rows) if row[0] == "licence")
    rows[at:at] = chances_table(snapshot)
    return rows
