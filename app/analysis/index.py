"""Lookup tables over a Dataset, built once per revision so pages never rescan lists."""

import datetime as dt
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from app.analysis.lru import Lru, deep_size
from app.analysis.stances import (
    RouteKey,
    current_stances,
    expand_stances,
    route_stances,
    stance_order,
)
from app.analysis.veto import VetoAnalysis
from app.analysis.walk import analyse_all, analyse_option, conditions_in_force
from app.dataset import urls
from app.dataset.dates import PartialDate
from app.dataset.hypotheses import Hypothesis, assumed_positions, lifted_conditions
from app.dataset.schema import (
    AttributeDef,
    Body,
    Cite,
    Condition,
    Criterion,
    Dataset,
    Option,
    Source,
    Stakeholder,
    Stance,
)
from app.dataset.vocabulary import Position


@dataclass(frozen=True)
class JointStatement:
    """One statement signed by many (a summit communiqué, a joint letter): the stance each
    signatory's claim expands from, so a bibliography can list it once."""

    id: int  # its place among the dataset's stances
    via: str  # e.g. "the Vilnius Summit Communiqué"
    option: str
    option_title: str
    date: PartialDate | None
    position: Position
    summary: str
    signatories: tuple[tuple[str, str], ...]  # (slug, name), in the statement's order


@dataclass(frozen=True)
class CitedClaim:
    """A claim that cites a source, described for the bibliography."""

    kind: str  # assessment | hurdle | stance | dispute | condition | body | proposal
    label: str
    href: str
    locator: str
    statement: JointStatement | None = None  # a signatory's stance: the joint statement
    option: str | None = None  # the option the claim is about, if one


MEMO_SIZE = 48  # comparisons' fixed parts kept by the live index, at most
PAST_MEMO_SIZE = 2
# ...and at most this many bytes of them as they sit in memory (4 options of the default
# dataset: about 620 KB).
MEMO_BYTES = 10 << 20


def live_memo() -> "Lru[Hashable, object]":
    return Lru(MEMO_SIZE, max_weight=MEMO_BYTES, weigh=deep_size)


@dataclass(frozen=True)
class Index:
    ds: Dataset
    options: dict[str, Option]
    criteria: dict[str, Criterion]
    attributes: dict[str, AttributeDef]
    stakeholders: dict[str, Stakeholder]
    bodies: dict[str, Body]
    sources: dict[str, Source]
    current: dict[tuple[str, str], Stance]
    by_route: dict[RouteKey, Stance]  # what the veto analysis reads (veto.route_stances)
    history: dict[tuple[str, str], list[Stance]]
    seats: dict[str, list[tuple[Body, bool]]]  # stakeholder -> bodies it sits on, with veto flag
    cited_by: dict[str, list[CitedClaim]]
    max_hurdle: dict[str, int]
    search_text: dict[str, str] = field(repr=False)
    conditions: dict[str, Condition] = field(default_factory=dict)
    in_force: dict[str, Condition] = field(default_factory=dict)  # on `at`, or today
    at: dt.date | None = None  # the day the dossier is shown as it stood; None = today
    # On `at`, the options not yet proposed that day: left out of `ds` and `options`, so they
    # get no veto status, counts or scores; pages name them apart.
    later: tuple[Option, ...] = ()
    earliest: dt.date | None = None  # the first day on record: `at` may not go before it
    # Derived data that outlives a request: the weight-independent part of comparisons
    # (app.analysis.compare), so a new weighting recomputes only its ranking. Dies with the index.
    memo: Lru[Hashable, object] = field(default_factory=live_memo, compare=False, repr=False)

    def position(self, stakeholder: str, option: str) -> int | None:
        s = self.current.get((stakeholder, option))
        return None if s is None else s.pos


def holds_veto(body: Body, stakeholder: str) -> bool:
    return body.rule == "unanimity" or stakeholder in body.veto


def earliest_record(ds: Dataset) -> dt.date | None:
    """The first day of any dated stance or condition: the dossier's history starts there."""
    days = [s.date.first_day for s in ds.stances if s.date is not None]
    days += [c.since.first_day for c in ds.conditions]
    return min(days, default=None)


def not_yet_proposed(ds: Dataset, day: dt.date) -> tuple[Option, ...]:
    """Options first proposed after `day`. A partial date counts from its first day ("2023":
    proposed on 1 January 2023); an option without a proposal date is never left out."""
    return tuple(o for o in ds.options if o.proposed_on and o.proposed_on.first_day > day)


def as_proposed(ds: Dataset, day: dt.date) -> tuple[Dataset, tuple[Option, ...]]:
    """The dossier without the options not yet proposed on `day`, nor stances on them."""
    later = not_yet_proposed(ds, day)
    if not later:
        return ds, ()
    gone = {o.slug for o in later}
    kept = ds.model_copy(
        update={
            "options": [o for o in ds.options if o.slug not in gone],
            "stances": [s for s in ds.stances if s.option not in gone],
        }
    )
    return kept, later


def build_index(
    ds: Dataset,
    at: dt.date | None = None,
    today: dt.date | None = None,
    *,
    proposed_only: bool = False,
) -> Index:
    """Lookup tables for the dossier as it stands today, or as it stood on `at`. With
    `proposed_only`, options not yet proposed on `at` are left out (the pages' time travel;
    permalinks rebuilt from old states keep every option they named)."""
    # long: a flat list of the index's lookups, each built once per revision
    later: tuple[Option, ...] = ()
    if at is not None and proposed_only:
        ds, later = as_proposed(ds, at)
    options = {o.slug: o for o in ds.options}
    criteria = {c.slug: c for c in ds.criteria}
    stakeholders = {s.slug: s for s in ds.stakeholders}
    expanded = expand_stances(ds, at)
    history: dict[tuple[str, str], list[Stance]] = defaultdict(list)
    for s in expanded:
        history[(s.who, s.option)].append(s)
    for stances in history.values():
        # Latest first; on one day an own statement before the joint one it outranks.
        stances.sort(key=stance_order, reverse=True)
    seats: dict[str, list[tuple[Body, bool]]] = defaultdict(list)
    for b in ds.bodies:
        for member in b.members:
            seats[member].append((b, holds_veto(b, member)))
        for bloc in b.blocs:
            seats[bloc.stakeholder].append((b, False))

    cited_by: dict[str, list[CitedClaim]] = defaultdict(list)

    def cite(
        cites: tuple[Cite, ...] | list[Cite],
        kind: str,
        label: str,
        href: str,
        statement: JointStatement | None = None,
        option: str | None = None,
    ) -> None:
        for c in cites:
            cited_by[c.id].append(CitedClaim(kind, label, href, c.locator, statement, option))

    search: dict[str, str] = {}
    for o in ds.options:
        href = urls.option(o.slug)
        parts = [o.title, o.summary, o.description]
        cite(o.proposed_sources, "proposal", f"{o.title}: first proposed", href)
        for slug, a in o.assessments.items():
            title = criteria[slug].title if slug in criteria else slug
            cite(a.sources, "assessment", f"{o.title}: {title} score", href, option=o.slug)
            parts.append(a.rationale)
        for h in o.hurdles:
            cite(h.sources, "hurdle", f"{o.title}: {h.instrument}", href, option=o.slug)
            parts.append(h.instrument)
        for r in o.routes:
            cite(r.sources, "route", f"{o.title}: by {r.title}", f"{href}#route-{r.slug}")
        search[o.slug] = " ".join(parts).casefold()
    statements = joint_statements(expanded, stakeholders, options)
    for s in expanded:
        who = stakeholders[s.who].name if s.who in stakeholders else s.who
        title = options[s.option].title if s.option in options else s.option
        when = s.date.human() if s.date else "undated"
        joint = statements.get(s.joint) if s.joint is not None else None
        label = f"{who} on {title} ({when})"
        cite(s.sources, "stance", label, urls.stakeholder(s.who), joint, s.option)
    for cond in ds.conditions:
        cite(cond.sources, "condition", cond.title, "/methodology#conditions")
    for b in ds.bodies:
        cite(b.sources, "body", b.title, urls.stakeholders())
    for d in ds.disputes:
        for c in d.claims:
            cite(c.sources, "dispute", f"{d.topic}: {c.claim}", urls.sources(f"dispute-{d.slug}"))

    return Index(
        ds=ds,
        options=options,
        criteria=criteria,
        attributes={a.slug: a for a in ds.attributes},
        stakeholders=stakeholders,
        bodies={b.slug: b for b in ds.bodies},
        sources={s.id: s for s in ds.sources},
        current=current_stances(expanded),
        by_route=route_stances(expanded),
        history=dict(history),
        seats=dict(seats),
        cited_by=dict(cited_by),
        max_hurdle={o.slug: max((h.severity for h in o.hurdles), default=0) for o in ds.options},
        search_text=search,
        conditions={c.slug: c for c in ds.conditions},
        in_force=conditions_in_force(ds, at or today or dt.date.today()),
        at=at,
        later=later,
        earliest=earliest_record(ds),
        # Only the live index keeps many comparisons: past days (`at=`, up to 32 indexes per
        # site) and permalink rebuilds (cached whole elsewhere) keep two each, so walking days
        # or links cannot grow a process by hundreds of MB.
        memo=live_memo()
        if at is None and today is None
        else Lru(PAST_MEMO_SIZE, max_weight=MEMO_BYTES, weigh=deep_size),
    )


def joint_statements(
    expanded: Iterable[Stance],
    stakeholders: Mapping[str, Stakeholder],
    options: Mapping[str, Option],
) -> dict[int, JointStatement]:
    """The joint statements among expanded stances, by their place in the dataset."""
    signed: dict[int, list[Stance]] = defaultdict(list)
    for s in expanded:
        if s.joint is not None:
            signed[s.joint].append(s)
    return {
        key: JointStatement(
            id=key,
            via=first.via or "a joint statement",
            option=first.option,
            option_title=options[first.option].title if first.option in options else first.option,
            date=first.date,
            position=first.pos,
            summary=first.summary,
            signatories=tuple(
                (s.who, stakeholders[s.who].name if s.who in stakeholders else s.who) for s in group
            ),
        )
        for key, group in signed.items()
        for first in group[:1]
    }


def _in_force(index: Index, assume: Sequence[Hypothesis]) -> dict[str, Condition]:
    lifted = lifted_conditions(assume)
    return {k: c for k, c in index.in_force.items() if k not in lifted}


def vetoes(index: Index, assume: Sequence[Hypothesis] = ()) -> dict[str, VetoAnalysis]:
    """Every option's veto analysis under the hypotheses of `assume=` (stances and conditions)."""
    return analyse_all(
        index.ds,
        current=index.by_route,
        assume=assumed_positions(assume),
        in_force=_in_force(index, assume),
    )


def veto_for(index: Index, option: str, assume: Sequence[Hypothesis] = ()) -> VetoAnalysis:
    return analyse_option(
        index.ds,
        option,
        current=index.by_route,
        assume=assumed_positions(assume),
        in_force=_in_force(index, assume),
    )
