"""What the HTML pages show beyond their JSON twins, resolved from the site index before
rendering: names next to slugs, the criteria and choices a page lists, citations with their
publisher, year and link health. Templates read these and never the index itself.

Pure: no FastAPI, no database."""

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from app.analysis.index import CitedClaim, Index, JointStatement
from app.analysis.stances import StanceRef
from app.analysis.veto import StepVeto, VetoAnalysis
from app.dataset.dates import human
from app.dataset.hypotheses import Hypothesis, assumed_positions
from app.dataset.records import LinkStatus
from app.dataset.schema import (
    AttributeDef,
    AttrValue,
    Body,
    Condition,
    Criterion,
    Dispute,
    Option,
    Source,
    Stakeholder,
    Stance,
)
from app.dataset.vocabulary import Position
from app.state import ExploreState, Vocab
from app.views.verdict import Named


@dataclass(frozen=True)
class PageMeta:
    """The dossier line, citation line and `at=` banner of every page (base.html)."""

    title: str
    question: str
    summary: str
    as_of: dt.date
    licence: str
    revision: int
    at: dt.date | None  # the day the dossier is shown as it stood; None: today
    # On `at`: options not yet proposed that day, left out of the page, as (slug, title, when).
    later: tuple[tuple[str, str, str], ...] = ()
    earliest: dt.date | None = None  # the first day on record: the date control's minimum
    editors: tuple[str, ...] = ()  # who answers for the judgements
    contact: str = ""  # a site path, an http(s) address or an e-mail address

    @property
    def contact_href(self) -> str:
        return f"mailto:{self.contact}" if "@" in self.contact else self.contact


def page_meta(index: Index, revision: int, earliest: dt.date | None = None) -> PageMeta:
    d = index.ds.dossier
    later = tuple((o.slug, o.title, human(o.proposed_on)) for o in index.later)
    return PageMeta(
        d.title,
        d.question,
        d.summary,
        d.as_of,
        d.licence,
        revision,
        index.at,
        later,
        earliest,
        tuple(d.editors),
        d.contact,
    )


@dataclass(frozen=True)
class DateControl:
    """The date form on every page: a plain GET of `at=` that keeps the page's other state in
    hidden fields, so it works without JavaScript."""

    action: str
    keep: tuple[tuple[str, str], ...]  # the page's query without `at`
    value: dt.date  # the day shown
    min: dt.date | None
    max: dt.date
    floor_note: str = ""  # why the minimum is later than the first record, if it is


def date_control(
    action: str,
    pairs: Iterable[tuple[str, str]],
    meta: PageMeta,
    *,
    today: dt.date | None = None,
    floor: tuple[dt.date, str] | None = None,
) -> DateControl:
    """`floor`: a later minimum and its reason, e.g. the day the options shown were proposed."""
    today = today or dt.date.today()
    lo, note = meta.earliest, ""
    if floor is not None and (lo is None or floor[0] > lo):
        lo, note = floor
    return DateControl(
        action=action,
        keep=tuple((k, v) for k, v in pairs if k != "at"),
        value=meta.at or today,
        min=lo,
        max=today,
        floor_note=note,
    )


def proposal_floor(options: Iterable[Option]) -> tuple[dt.date, str] | None:
    """The earliest day on which all `options` had been proposed, said in words."""
    dated = [o for o in options if o.proposed_on is not None]
    if not dated:
        return None
    last = max(dated, key=lambda o: o.proposed_on.first_day if o.proposed_on else dt.date.min)
    assert last.proposed_on is not None
    # One option's own page need not repeat its long title.
    who = "this option" if len(dated) == 1 else last.title
    return (
        last.proposed_on.first_day,
        f"{who} was first proposed on {human(last.proposed_on)}",
    )


@dataclass(frozen=True)
class CitedSource:
    """A source as a citation names it: "NATO, 1949", plus an archived copy if its link died."""

    publisher: str
    year: int
    dead: bool
    archive_url: str | None


Citations = Mapping[str, CitedSource]


def citations(index: Index, links: Mapping[str, LinkStatus]) -> dict[str, CitedSource]:
    # Every source, not just the page's: hypotheses and bars cite stances and conditions too,
    # and resolving a hundred sources costs less than working out which ones a page shows.
    out = {}
    for sid, s in index.sources.items():
        lc = links.get(s.url) if s.url else None
        dead = lc is not None and not lc.ok
        archive = lc.archive_url if lc is not None and dead else None
        out[sid] = CitedSource(s.publisher, s.date.year, dead, archive)
    return out


def names(index: Index, slugs: Iterable[str]) -> tuple[Named, ...]:
    return tuple(Named(s, index.stakeholders[s].name) for s in slugs)


# --- explore -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FilterChoices:
    """What the filter controls offer (templates/_filters.html)."""

    categories: tuple[str, ...]
    statuses: tuple[str, ...]
    attributes: tuple[tuple[AttributeDef, tuple[str, ...]], ...]  # each with its values
    criteria: tuple[Criterion, ...]
    stakeholders: tuple[Stakeholder, ...]  # those with a recorded stance


@dataclass(frozen=True)
class Assumed:
    label: str  # a stakeholder's name or a condition's title
    position: str  # as the query gives it: -2..2, "unknown" or "lifted"


@dataclass(frozen=True)
class ExplorePage:
    criteria: tuple[Criterion, ...]
    filters: FilterChoices
    assumed: tuple[Assumed, ...]  # the hypotheses, in query order
    ticked: tuple[str, ...]  # titles of the options ticked for comparing


def explore_page(index: Index, vocab: Vocab, state: ExploreState) -> ExplorePage:
    holders = {who for who, _ in index.history}
    criteria = tuple(index.ds.criteria)
    return ExplorePage(
        criteria=criteria,
        filters=FilterChoices(
            categories=vocab.categories,
            statuses=vocab.statuses,
            attributes=tuple((a, vocab.attributes[a.slug]) for a in index.ds.attributes),
            criteria=criteria,
            stakeholders=tuple(s for s in index.ds.stakeholders if s.slug in holders),
        ),
        assumed=tuple(
            Assumed(
                index.stakeholders[h.who].name
                if h.who in index.stakeholders
                else index.conditions[h.who].title,
                h.value,
            )
            for h in state.assume
        ),
        ticked=tuple(index.options[slug].title for slug in state.o),
    )


# --- one option --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PathStep:
    step: StepVeto
    blockers: tuple[Named, ...]
    uncertain: tuple[Named, ...]
    supporters: tuple[Named, ...]


@dataclass(frozen=True)
class ConditionToEnd:
    """A condition in force that bars the option: it would have to end."""

    condition: Condition
    where: str  # the steps it bars, joined
    hurdles: int = 0  # the legal hurdles it bars, which the page lists apart


@dataclass(frozen=True)
class DecisionPath:
    """templates/_decision_path.html: the steps with names, then what would have to change.
    For an option with several routes these are the best route's, and `routes` holds each."""

    steps: tuple[PathStep, ...]
    conditions: tuple[ConditionToEnd, ...]
    # Each stance that makes blockers, with its stakeholders: a joint statement is quoted once.
    blockers: tuple[tuple[tuple[Named, ...], StanceRef], ...]
    veto: VetoAnalysis | None = None  # the route's own analysis (status, reason, note)
    routes: tuple["DecisionPath", ...] = ()


def decision_path(index: Index, veto: VetoAnalysis) -> DecisionPath:
    best = _route_path(index, veto)
    if len(veto.routes) < 2:
        return best
    return replace(best, routes=tuple(_route_path(index, r) for r in veto.routes))


def _route_path(index: Index, veto: VetoAnalysis) -> DecisionPath:
    # Per condition, the steps it bars in words; the hurdles it bars are counted, since the
    # "Legal hurdles" list above names them already.
    bars: dict[str, list[str]] = {}
    hurdles: dict[str, set[str]] = {}
    for b in veto.bars:
        where = bars.setdefault(b.condition, [])
        if b.step is None:
            hurdles.setdefault(b.condition, set()).add(b.where)
        elif b.where not in where:
            where.append(b.where)
    grouped: dict[object, tuple[list[Named], StanceRef]] = {}
    for blocker in veto.blockers:
        st = blocker.stance
        key = (st.via, st.date, st.summary) if st.via and not st.hypothetical else blocker
        who = Named(blocker.stakeholder, index.stakeholders[blocker.stakeholder].name)
        grouped.setdefault(key, ([], st))[0].append(who)
    return DecisionPath(
        steps=tuple(
            PathStep(
                s, names(index, s.blockers), names(index, s.uncertain), names(index, s.supporters)
            )
            for s in veto.steps
        ),
        conditions=tuple(
            ConditionToEnd(index.conditions[c], "; ".join(where), len(hurdles.get(c, ())))
            for c, where in bars.items()
        ),
        blockers=tuple((tuple(who), stance) for who, stance in grouped.values()),
        veto=veto,
    )


@dataclass(frozen=True)
class StanceRow:
    """One row of an option's stances: one stakeholder's latest stance, or a joint statement
    standing once for all the signatories whose latest stance it is."""

    stance: Stance  # the latest stance; for a joint statement, its first signatory's
    who: tuple[Named, ...]  # the stakeholder, or the joint statement's signatories by name
    vetoes: frozenset[str]  # those of `who` who hold a veto on the decision path
    joint: bool


@dataclass(frozen=True)
class EarlierStance:
    """A stance since superseded, listed once however many signed it."""

    stance: Stance
    who: tuple[Named, ...]
    shown: bool  # a joint statement also listed above, as others' latest stance


@dataclass(frozen=True)
class OptionStances:
    """templates/option.html's stances: what decides the verdict first, agreement folded."""

    first: tuple[StanceRow, ...]  # opponents, then veto holders whose position is unknown
    silent: tuple[Named, ...]  # veto holders with no stance on record at all
    neutral: tuple[StanceRow, ...]
    unknown: tuple[StanceRow, ...]  # no known position, and no veto: folded
    supporters: tuple[StanceRow, ...]
    supporters_count: int  # stakeholders, not rows
    earlier: tuple[EarlierStance, ...]  # newest first

    @property
    def empty(self) -> bool:
        return not (self.first or self.silent or self.neutral or self.unknown or self.supporters)


def _rows(
    index: Index, stances: Iterable[Stance], holders: frozenset[str]
) -> tuple[StanceRow, ...]:
    groups: dict[object, list[Stance]] = {}
    for s in stances:
        # Stakeholders who said the same thing, word for word, share a row too.
        key = ("joint", s.joint) if s.joint is not None else (s.pos, s.date, s.summary, s.quote)
        groups.setdefault(key, []).append(s)
    rows = []
    for group in groups.values():
        who = tuple(Named(s.who, index.stakeholders[s.who].name) for s in group)
        joint = group[0].joint is not None
        if joint:
            who = tuple(sorted(who, key=lambda w: w.name))
        rows.append(StanceRow(group[0], who, frozenset(w.slug for w in who) & holders, joint))
    return tuple(rows)


def option_stances(
    index: Index, veto: VetoAnalysis, stances: Sequence[tuple[str, list[Stance]]]
) -> OptionStances:
    holders = frozenset(h for step in veto.steps for h in step.veto_holders)
    latest = {who: history[0] for who, history in stances}
    against = sorted(
        (s for s in latest.values() if s.pos is not None and s.pos < 0),
        key=lambda s: (s.who not in holders, s.pos or 0),
    )
    unknown = [s for s in latest.values() if s.pos is None and s.who in holders]
    earlier: dict[object, list[Stance]] = {}
    for who, history in stances:
        for s in history[1:]:
            key = ("joint", s.joint, s.date) if s.joint is not None else (who, id(s))
            earlier.setdefault(key, []).append(s)
    current_joint = {s.joint for s in latest.values() if s.joint is not None}
    supporters = [s for s in latest.values() if (s.pos or 0) > 0]
    return OptionStances(
        first=_rows(index, [*against, *unknown], holders),
        silent=names(index, [h for h in veto.uncertain if h not in latest]),
        neutral=_rows(index, (s for s in latest.values() if s.pos == 0), holders),
        unknown=_rows(
            index, (s for s in latest.values() if s.pos is None and s.who not in holders), holders
        ),
        supporters=_rows(index, supporters, holders),
        supporters_count=len(supporters),
        earlier=tuple(
            EarlierStance(g[0], names(index, [s.who for s in g]), g[0].joint in current_joint)
            for g in sorted(
                earlier.values(),
                key=lambda g: g[0].date.first_day if g[0].date else dt.date.min,
                reverse=True,
            )
        ),
    )


@dataclass(frozen=True)
class OptionPage:
    proposed_by: Named | None
    compare_with: tuple[Named, ...]  # every other option, its title as the name
    assumed: tuple[tuple[str, Position], ...]  # stakeholder name, assumed position
    attributes: tuple[tuple[AttributeDef, AttrValue], ...]  # the option's, in dataset order
    criteria: tuple[Criterion, ...]
    path: DecisionPath
    stances: tuple[tuple[Stakeholder, list[Stance]], ...]  # each with its history, latest first
    rows: OptionStances
    sources: tuple[Source, ...]  # every source the page cites, in first-cited order
    cited: dict[str, CitedSource]
    routes: dict[str, str]  # route slug -> title, for stances that address one route


def option_page(
    index: Index,
    links: Mapping[str, LinkStatus],
    option: Option,
    veto: VetoAnalysis,
    assume: Iterable[Hypothesis],
) -> OptionPage:
    stances = tuple(
        (who, index.history[(slug, option.slug)])
        for slug, who in index.stakeholders.items()
        if (slug, option.slug) in index.history
    )
    by = option.proposed_by
    return OptionPage(
        proposed_by=Named(by, index.stakeholders[by].name) if by else None,
        compare_with=tuple(
            Named(o.slug, o.title) for o in index.options.values() if o.slug != option.slug
        ),
        assumed=tuple(
            (index.stakeholders[who].name, pos) for who, pos in assumed_positions(assume).items()
        ),
        attributes=tuple(
            (a, option.attributes[a.slug])
            for a in index.ds.attributes
            if a.slug in option.attributes
        ),
        criteria=tuple(index.ds.criteria),
        path=decision_path(index, veto),
        stances=stances,
        rows=option_stances(index, veto, [(w.slug, h) for w, h in stances]),
        sources=tuple(index.sources[sid] for sid in option_sources(option, stances)),
        cited=citations(index, links),
        routes={r.slug: r.title for r in option.routes},
    )


def option_sources(
    option: Option, stances: Iterable[tuple[Stakeholder, list[Stance]]]
) -> list[str]:
    """Every source the option page cites, in first-cited order."""
    ids: dict[str, None] = dict.fromkeys(c.id for c in option.proposed_sources)
    for a in option.assessments.values():
        ids.update(dict.fromkeys(c.id for c in a.sources))
    for h in option.hurdles:
        ids.update(dict.fromkeys(c.id for c in h.sources))
    for r in option.routes:
        ids.update(dict.fromkeys(c.id for c in r.sources))
    for _, history in stances:
        for st in history:
            ids.update(dict.fromkeys(c.id for c in st.sources))
    return list(ids)


# --- other pages -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MethodologyPage:
    criteria: tuple[Criterion, ...]
    conditions: tuple[Condition, ...]
    seat_bodies: tuple[Body, ...]  # bodies that vote by seats
    cited: dict[str, CitedSource]


def methodology_page(index: Index, links: Mapping[str, LinkStatus]) -> MethodologyPage:
    return MethodologyPage(
        criteria=tuple(index.ds.criteria),
        conditions=tuple(index.ds.conditions),
        seat_bodies=tuple(b for b in index.ds.bodies if b.seats),
        cited=citations(index, links),
    )


NoteParts = tuple[tuple[str, str | None], ...]  # (text, link or None)


@dataclass(frozen=True)
class SourcesPage:
    # The bibliography itself is the JSON twin's (present.sources), link checks included.
    checked: bool  # any link was ever checked
    disputes: tuple[Dispute, ...]
    cited: dict[str, CitedSource]
    # Each source's notes with the ids of other sources turned into links (note_parts).
    notes: dict[str, NoteParts] = field(default_factory=dict)
    # The filter form's choices: (slug, title) of options, publishers, years newest first.
    options: tuple[tuple[str, str], ...] = ()
    publishers: tuple[str, ...] = ()
    years: tuple[int, ...] = ()


# An id standing as a word, not inside an address ("/" or "." before it).
SOURCE_ID_RE = re.compile(r"`?(?<![\w/.-])([a-z0-9]+(?:-[a-z0-9]+)+)(?![\w/-])`?")


def note_parts(index: Index, text: str) -> NoteParts:
    """A note as readers see it: another source's id (editors write "(reuters-trump-2025-02-26)")
    becomes a link named by its publisher and date, never the id itself."""
    parts: list[tuple[str, str | None]] = []
    end = 0
    for m in SOURCE_ID_RE.finditer(text):
        source = index.sources.get(m.group(1))
        if source is None:
            continue
        parts.append((text[end : m.start()], None))
        parts.append((f"{source.publisher}, {source.date.human()}", f"/sources/{source.id}"))
        end = m.end()
    parts.append((text[end:], None))
    return tuple(p for p in parts if p[0])


@dataclass(frozen=True)
class StakeholderPage:
    cited: dict[str, CitedSource]


def sources_page(
    index: Index, links: Mapping[str, LinkStatus], publishers: tuple[str, ...] = ()
) -> SourcesPage:
    return SourcesPage(
        bool(links),
        tuple(index.ds.disputes),
        citations(index, links),
        notes={sid: note_parts(index, src.notes) for sid, src in index.sources.items()},
        options=tuple((o.slug, o.title) for o in index.options.values()),
        publishers=publishers,
        years=tuple(sorted({s.date.first_day.year for s in index.sources.values()}, reverse=True)),
    )


# --- one source --------------------------------------------------------------------------------

SIGNATORIES_NAMED = 3  # a joint statement's line names this many signatories before its list


@dataclass(frozen=True)
class ClaimLine:
    """One line of a source page: a claim, or a joint statement standing once for the claims of
    all its signatories."""

    claim: CitedClaim  # the (first) claim; for a joint statement, its first signatory's
    locators: tuple[str, ...]  # distinct, in order
    statement: JointStatement | None = None
    signatories: tuple[Named, ...] = ()  # a joint statement's, by name
    named: tuple[Named, ...] = ()  # the first few, named on the line itself


@dataclass(frozen=True)
class SourcePage:
    lines: tuple[ClaimLine, ...]  # in the order the claims cite the source
    signatories: int  # of the joint statements, summed: each a claim, listed under its statement
    notes: NoteParts = ()  # the source's notes, other sources' ids as links


def source_page(index: Index, sid: str) -> SourcePage:
    # Claims in citing order; a joint statement's go together, at its first signatory's place.
    groups: dict[object, list[CitedClaim]] = {}
    for i, c in enumerate(index.cited_by.get(sid, [])):
        groups.setdefault(("joint", c.statement.id) if c.statement else i, []).append(c)
    lines = tuple(_claim_line(claims) for claims in groups.values())
    notes = note_parts(index, index.sources[sid].notes)
    return SourcePage(lines, sum(len(line.signatories) for line in lines), notes)


def _claim_line(claims: list[CitedClaim]) -> ClaimLine:
    first = claims[0]
    locators = tuple(dict.fromkeys(c.locator for c in claims if c.locator))
    if first.statement is None:
        return ClaimLine(first, locators)
    who = sorted((Named(s, n) for s, n in first.statement.signatories), key=lambda w: w.name)
    return ClaimLine(first, locators, first.statement, tuple(who), tuple(who[:SIGNATORIES_NAMED]))


# --- the stance matrix ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MatrixCell:
    """A matrix cell's note: where its stance is told, since when, and whether it can veto."""

    href: str  # the stance's row on the option page, or the stakeholder's page if none
    date: str | None  # the latest stance's date as recorded (YYYY, YYYY-MM or YYYY-MM-DD)
    veto: bool  # holds a veto on the option's decision path


def matrix_cells(
    index: Index,
    options: Iterable[Option],
    people: Iterable[Stakeholder],
    vetoes: Mapping[str, VetoAnalysis],
) -> dict[tuple[str, str], MatrixCell]:
    options = list(options)
    holders = {o.slug: {h for s in vetoes[o.slug].steps for h in s.veto_holders} for o in options}
    cells = {}
    for p in people:
        for o in options:
            s = index.current.get((p.slug, o.slug))
            veto = p.slug in holders[o.slug]
            told = s is not None or (veto and p.slug in vetoes[o.slug].uncertain)
            href = f"/options/{o.slug}#stance-{p.slug}" if told else f"/stakeholders/{p.slug}"
            cells[(p.slug, o.slug)] = MatrixCell(href, str(s.date) if s and s.date else None, veto)
    return cells
