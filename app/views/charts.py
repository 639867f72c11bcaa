"""The charts each page shows, built from the dataset index (or a frozen comparison snapshot)
with the builders in `app.charts`. Pages inline them; the download routes serve the same
charts as SVG files and PNG images, so a download is exactly what the page showed.

Pure: no FastAPI, no database."""

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

from app.analysis.index import Index
from app.analysis.labels import POSITION_LABELS
from app.analysis.lru import Lru, deep_size
from app.analysis.snapshot import ScoreRow, Snapshot
from app.analysis.timeline import option_timeline
from app.charts import bars, scatter, timeline
from app.charts.caption import Caption
from app.charts.grouped import Group, grouped
from app.charts.svg import BarRow, Chart, ScatterPoint
from app.dataset import urls
from app.dataset.dates import human
from app.dataset.hypotheses import Hypothesis
from app.dataset.schema import Criterion, Option


def axis_label(c: Criterion) -> str:
    return f"{c.title} (lower is better)" if c.direction == "lower-is-better" else c.title


def _points(
    options: Sequence[Option], status: Mapping[str, str], x: str, y: str
) -> list[ScatterPoint]:
    def score(o: Option, c: str) -> int | None:
        a = o.assessments.get(c)
        return a.score if a else None

    return [
        ScatterPoint(o.title, urls.option(o.slug), score(o, x), score(o, y), status[o.slug])
        for o in options
    ]


def overview(
    index: Index, options: Sequence[Option], status: Mapping[str, str], x: str, y: str
) -> Chart:
    """The options placed by two criteria, marked by veto status (the home page's chart)."""
    cx, cy = index.criteria[x], index.criteria[y]
    return scatter.scatter(
        _points(options, status, x, y),
        axis_label(cx),
        axis_label(cy),
        cx.scale,
        cy.scale,
        chart_id="chart-overview",
    )


def overview_compact(
    index: Index, options: Sequence[Option], status: Mapping[str, str], x: str, y: str
) -> Chart:
    """The overview for a phone: marks numbered as the result cards are."""
    return scatter.scatter_compact(
        _points(options, status, x, y),
        axis_label(index.criteria[x]),
        axis_label(index.criteria[y]),
        chart_id="chart-overview-compact",
    )


def bar_rows(index: Index, option: Option) -> tuple[BarRow, ...]:
    rows = []
    for c in index.ds.criteria:
        a = option.assessments.get(c.slug)
        rows.append(
            BarRow(
                c.title,
                a.score if a else None,
                a.low if a else None,
                a.high if a else None,
                c.scale[a.score] if a else "",
                c.direction == "lower-is-better",
            )
        )
    return tuple(rows)


BARS_WIDTH = 440  # reads at a phone's width and as small multiples on a desktop
NARROW = 380  # a phone's variant of the wide charts (900 units across)


OPTION_BARS = 640  # an option page's own chart, with room for whole names and labels
NARROW_BARS = 340  # a phone's variant: each name above its bar, drawn at about full size


def option_bars(index: Index, option: Option, *, narrow: bool = False) -> Chart:
    return bars.bars(
        option.title,
        bar_rows(index, option),
        width=NARROW_BARS if narrow else OPTION_BARS,
        chart_id=f"chart-scores-{option.slug}" + ("-narrow" if narrow else ""),
    )


def option_timeline_chart(
    index: Index,
    slug: str,
    today: dt.date | None = None,
    *,
    narrow: bool = False,
    day_href: Callable[[dt.date], str] | None = None,
) -> Chart:
    """The option's veto status and each veto holder's stance over time, up to `at=` or today;
    `narrow` draws the phone's variant; `day_href` links each change to its day."""
    day = index.at or today or dt.date.today()
    t = option_timeline(index.ds, slug, day)
    return timeline.timeline(
        t.points,
        t.holders,
        day,
        option_title=index.options[slug].title,
        width=NARROW if narrow else 900,
        chart_id=f"chart-timeline-{slug}" + ("-narrow" if narrow else ""),
        day_href=day_href,
        veto_holders=t.veto_holders,
        names=t.names,
    )


def snapshot_bar(snapshot: Snapshot, slug: str) -> Chart | None:
    """One compared option's scores as the frozen comparison holds them (the downloads of links
    made before the grouped chart); None if the comparison does not hold that option. Drawn per
    request: the page cache keeps the file."""
    slugs = [o.slug for o in snapshot.options]
    if slug not in slugs:
        return None
    at = slugs.index(slug)
    rows = tuple(_cells(row)[at] for row in snapshot.rows if isinstance(row, ScoreRow))
    title = snapshot.options[at].title
    return bars.bars(title, rows, width=BARS_WIDTH, chart_id=f"chart-scores-{slug}")


def snapshot_grouped(snapshot: Snapshot) -> Chart:
    """The comparison's scores in one chart, criterion by criterion, options in column order:
    from the snapshot, so a permalink's stays frozen, and the same under every weighting."""
    groups = tuple(
        Group(row.label, row.lower_is_better, _cells(row))
        for row in snapshot.rows
        if isinstance(row, ScoreRow)
    )
    return _grouped(tuple(o.title for o in snapshot.options), groups)


def _cells(row: ScoreRow) -> tuple[BarRow, ...]:
    return tuple(
        BarRow(row.label, c.score, c.low, c.high, c.label, row.lower_is_better) for c in row.cells
    )


# Drawn when the compare page's part is not kept, and for each download: bounded like _BARS.
_GROUPED: Lru[tuple[tuple[str, ...], tuple[Group, ...]], Chart] = Lru(
    64, max_weight=4 << 20, weigh=deep_size
)


def _grouped(titles: tuple[str, ...], groups: tuple[Group, ...]) -> Chart:
    return _GROUPED.get_or_build(
        (titles, groups), lambda: grouped(titles, groups, chart_id="chart-grouped")
    )


# --- captions of downloads and preview images ---------------------------------------------

SOURCE = "Policy Option Explorer"


def _hypothesis(label: str, h: Hypothesis) -> str:
    if h.lifted:
        return f"{label} lifted"
    return f"{label} assumed {POSITION_LABELS[h.position].lower()}"


def hypotheses_text(index: Index, assume: Sequence[Hypothesis]) -> str:
    """ "Hypotheses: Hungary assumed neutral; martial law lifted." or ""."""
    if not assume:
        return ""
    parts = [
        _hypothesis(
            index.stakeholders[h.who].name
            if h.who in index.stakeholders
            else index.conditions[h.who].title
            if h.who in index.conditions
            else h.who,
            h,
        )
        for h in assume
    ]
    return f"Hypotheses: {'; '.join(parts)}."


def data_date(as_of: object, revision: int, at: object = None) -> str:
    """ "facts as of 5 July 2026, dataset revision 3" (", as it stood on ..." with `at=`)."""
    text = f"facts as of {human(as_of)}, dataset revision {revision}"
    return f"{text}, as it stood on {human(at)}" if at else text


def index_caption(index: Index, revision: int, address: str, subtitle: str = "") -> Caption:
    """The credits of a chart drawn from the live dataset."""
    d = index.ds.dossier
    return Caption(
        subtitle,
        f"{SOURCE}, “{d.title}”; each score and stance is sourced at the address below",
        data_date(d.as_of, revision, index.at),
        d.licence,
        address,
    )


def snapshot_subtitle(snapshot: Snapshot, *, weights: bool = True) -> str:
    """The weights that differ from the default (unless `weights` is false: a chart no weight
    changes), and the hypotheses, of a comparison."""
    changed = [
        f"{w.title} {w.weight} (default {w.default})"
        for w in snapshot.weights
        if w.weight != w.default
    ]
    parts = (
        [f"Weights: {'; '.join(changed)}." if changed else "Default weights."] if weights else []
    )
    if snapshot.assume:
        hyp = "; ".join(f"{a.name} assumed {a.label.lower()}" for a in snapshot.assume)
        parts.append(f"Hypotheses: {hyp}.")
    return " ".join(parts)


def snapshot_caption(snapshot: Snapshot, address: str, *, weights: bool = True) -> Caption:
    """The credits of a chart drawn from a comparison (live or frozen in a permalink)."""
    d = snapshot.dossier
    return Caption(
        snapshot_subtitle(snapshot, weights=weights),
        f"{SOURCE}, “{d.title}”; each score and stance is sourced at the address below",
        data_date(d.as_of, snapshot.revision, snapshot.at),
        d.licence,
        address,
    )
