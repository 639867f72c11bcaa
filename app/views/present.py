"""The API's answers, built from the in-memory dataset index and the analysis functions.

Pure functions: no FastAPI, no database. Each CSV table is derived from the JSON model of the
same URL, so the two twins cannot disagree."""

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict

from app.analysis.changes import RevisionChanges
from app.analysis.explore import explore_with_vetoes
from app.analysis.index import Index
from app.analysis.sources import find_sources
from app.analysis.timeline import Timeline
from app.analysis.veto import Bar, VetoAnalysis
from app.dataset.hypotheses import assumed_positions
from app.dataset.records import LinkStatus
from app.dataset.schema import Cite, Option, Stance
from app.dataset.vocabulary import Position, position_json
from app.state import ExploreState, SourceQuery, StanceQuery
from app.views import models as api

Table = tuple[list[str], list[list[object]]]  # header, rows


def _cites(cites: Sequence[Cite]) -> str:
    return "; ".join(f"{c.id} ({c.locator})" if c.locator else c.id for c in cites)


# --- options ---------------------------------------------------------------------------------


def _explored(
    index: Index, state: ExploreState
) -> tuple[list[Option], int, dict[str, VetoAnalysis]]:
    explored = explore_with_vetoes(index, state)
    return explored.result.options, explored.result.total, explored.analyses


def option_list(index: Index, state: ExploreState) -> api.OptionList:
    options, total, veto = _explored(index, state)
    return api.OptionList(
        query=state.query(),
        count=len(options),
        total=total,
        options=[
            api.OptionSummary(
                slug=o.slug,
                title=o.title,
                category=o.category,
                status=o.status,
                summary=o.summary,
                scores={k: a.score for k, a in o.assessments.items()},
                max_hurdle=index.max_hurdle[o.slug],
                veto=veto[o.slug].status,
                veto_why=veto[o.slug].uncertain_kind,
                veto_route=veto[o.slug].route,
                href=f"/options/{o.slug}",
            )
            for o in options
        ],
    )


def option_list_table(result: api.OptionList, index: Index) -> Table:
    crits = list(index.criteria)
    header = ["slug", "title", "category", "status", "veto", "max_hurdle", *crits, "veto_why"]
    rows: list[list[object]] = [
        [o.slug, o.title, o.category, o.status, o.veto, o.max_hurdle]
        + [o.scores.get(c) for c in crits]
        + [o.veto_why]
        for o in result.options
    ]
    return header, rows


def option_table(option: Option, index: Index) -> Table:
    """One row per criterion assessment, then one per legal hurdle."""
    header = ["kind", "key", "title", "value", "low", "high", "confidence", "text", "sources"]
    rows: list[list[object]] = []
    for slug, a in option.assessments.items():
        crit = index.criteria.get(slug)
        rows.append(
            [
                "assessment",
                slug,
                crit.title if crit else slug,
                a.score,
                *a.range,
                a.confidence,
                a.rationale,
                _cites(a.sources),
            ]
        )
    for i, h in enumerate(option.hurdles, 1):
        rows.append(
            ["hurdle", i, h.instrument, h.severity, None, None, None, h.requires, _cites(h.sources)]
        )
    return header, rows


def veto(v: VetoAnalysis, at: dt.date | None = None) -> api.VetoOut:
    return api.VetoOut(
        option=v.option,
        status=v.status,
        uncertain_kind=v.uncertain_kind,
        route=v.route,
        reason=v.reason,
        hypothetical=v.hypothetical,
        steps=_veto_steps(v),
        blockers=[b.stakeholder for b in v.blockers],
        uncertain=list(v.uncertain),
        bars=[_bar(b) for b in v.bars],
        routes=[
            api.VetoRouteOut(
                route=r.route,
                title=r.route_title,
                note=r.route_note,
                status=r.status,
                uncertain_kind=r.uncertain_kind,
                reason=r.reason,
                steps=_veto_steps(r),
                blockers=[b.stakeholder for b in r.blockers],
                uncertain=list(r.uncertain),
            )
            for r in (v.routes or (v,))
        ],
        at=at,
    )


def _veto_steps(v: VetoAnalysis) -> list[api.VetoStep]:
    return [
        api.VetoStep(
            body=s.body,
            title=s.title,
            rule=s.rule,
            action=s.action,
            status=s.status,
            reason=s.reason,
            veto_holders=list(s.veto_holders),
            blockers=list(s.blockers),
            uncertain=list(s.uncertain),
            supporters=list(s.supporters),
            vote=api.VoteOut(**asdict(s.vote)) if s.vote else None,
            bars=[_bar(b) for b in s.bars],
        )
        for s in v.steps
    ]


def _bar(b: Bar) -> api.BarOut:
    return api.BarOut(condition=b.condition, title=b.title, since=b.since, where=b.where)


def timeline(t: Timeline) -> api.TimelineOut:
    return api.TimelineOut(
        option=t.option,
        points=[
            api.TimelinePointOut(
                date=p.date,
                status=p.status,
                reason=p.reason,
                blockers=list(p.blockers),
                uncertain=list(p.uncertain),
                events=list(p.events),
            )
            for p in t.points
        ],
        holders=[
            api.HolderSeriesOut(
                stakeholder=h.stakeholder,
                name=h.name,
                stances=[
                    api.StancePointOut(
                        date=p.date,
                        date_precision=p.date.precision,
                        position=position_json(p.position),
                    )
                    for p in h.points
                ],
            )
            for h in t.holders
        ],
    )


def changes(revisions: Sequence[RevisionChanges]) -> api.ChangesOut:
    return api.ChangesOut(
        revisions=[
            api.RevisionChangesOut(
                revision=r.number,
                loaded_at=r.loaded_at,
                note=r.note,
                as_of=r.as_of,
                first=r.first,
                added=list(r.added),
                removed=list(r.removed),
                changes=[api.CellChangeOut(**asdict(c)) for c in r.cells],
                author=r.author,
                reviewer=r.reviewer,
            )
            for r in revisions
        ]
    )


# --- criteria ----------------------------------------------------------------------------------


def criteria(index: Index) -> api.CriterionList:
    return api.CriterionList(
        criteria=[
            api.CriterionOut(
                slug=c.slug,
                title=c.title,
                description=c.description,
                direction=c.direction,
                default_weight=c.default_weight,
                scale={str(k): v for k, v in sorted(c.scale.items())},
            )
            for c in index.criteria.values()
        ]
    )


def criteria_table(result: api.CriterionList) -> Table:
    header = ["slug", "title", "direction", "default_weight", *(f"scale_{i}" for i in range(1, 6))]
    header.append("description")
    rows: list[list[object]] = [
        [c.slug, c.title, c.direction, c.default_weight]
        + [c.scale.get(str(i)) for i in range(1, 6)]
        + [c.description]
        for c in result.criteria
    ]
    return header, rows


# --- stances and stakeholders -------------------------------------------------------------------


def stance(s: Stance, index: Index) -> api.StanceOut:
    return api.StanceOut(
        stakeholder=s.who,
        option=s.option,
        date=s.date,
        date_precision=s.date.precision if s.date else None,
        position=position_json(s.pos),
        summary=s.summary,
        quote=s.quote,
        quote_by=s.quote_by,
        sources=list(s.sources),
        # History lists and the current map hold the same objects.
        current=index.current.get((s.who, s.option)) is s,
        via=s.via if s.signatories else None,
        signatories=s.signatories,
    )


def stances(index: Index, q: StanceQuery) -> api.StanceList:
    """Every recorded stance (history included) matching the query: by stakeholder, then
    option, in dataset order, latest first. A date range leaves out undated stances."""
    who = [s for s in index.stakeholders if not q.stakeholder or s in q.stakeholder]
    what = [o for o in index.options if not q.option or o in q.option]
    ranged = q.since is not None or q.until is not None
    out = [
        stance(s, index)
        for w in who
        for o in what
        for s in index.history.get((w, o), [])
        if not ranged
        or (
            s.date is not None
            and (q.since is None or s.date.first_day >= q.since)
            and (q.until is None or s.date.first_day <= q.until)
        )
    ]
    return api.StanceList(query=q.query(), count=len(out), stances=out)


STANCE_HEADER = [
    "stakeholder",
    "option",
    "date",
    "position",
    "current",
    "summary",
    "quote",
    "quote_by",
    "sources",
]


def stance_rows(items: Sequence[api.StanceOut]) -> list[list[object]]:
    return [
        [
            s.stakeholder,
            s.option,
            s.date,
            s.position,
            s.current,
            s.summary,
            s.quote,
            s.quote_by,
            _cites(s.sources),
        ]
        for s in items
    ]


def stakeholders(index: Index) -> api.StakeholderList:
    recorded = Counter(who for who, _ in index.history)
    known = Counter(who for who, o in index.current if index.position(who, o) is not None)
    return api.StakeholderList(
        stakeholders=[
            api.StakeholderSummary(
                slug=s.slug,
                name=s.name,
                kind=s.kind,
                notes=s.notes,
                stances=recorded[s.slug],
                known=known[s.slug],
                seats=[
                    api.Seat(body=b.slug, title=b.title, rule=b.rule, veto=v)
                    for b, v in index.seats.get(s.slug, [])
                ],
                href=f"/stakeholders/{s.slug}",
            )
            for s in index.stakeholders.values()
        ]
    )


def stakeholders_table(result: api.StakeholderList) -> Table:
    header = ["slug", "name", "kind", "stances", "known", "notes"]
    rows: list[list[object]] = [
        [s.slug, s.name, s.kind, s.stances, s.known, s.notes] for s in result.stakeholders
    ]
    return header, rows


def stakeholder(index: Index, slug: str) -> api.StakeholderOut:
    who = index.stakeholders[slug]
    seats = [
        api.Seat(body=b.slug, title=b.title, rule=b.rule, veto=v)
        for b, v in index.seats.get(slug, [])
    ]
    options = []
    for o in index.options.values():
        history = [stance(s, index) for s in index.history.get((slug, o.slug), [])]
        current = next((s for s in history if s.current), None)
        options.append(
            api.OptionStance(
                option=o.slug,
                title=o.title,
                position=current.position if current else None,
                current=current,
                history=history,
            )
        )
    return api.StakeholderOut(
        slug=who.slug,
        name=who.name,
        kind=who.kind,
        notes=who.notes,
        seats=seats,
        vetoes=[s.body for s in seats if s.veto],
        options=options,
    )


# --- matrix ------------------------------------------------------------------------------------


def _cell(index: Index, who: str, option: str, assume: Mapping[str, Position]) -> int | str | None:
    if who in assume:
        pos = assume[who]
        return position_json(pos)
    s = index.current.get((who, option))
    return None if s is None else position_json(s.pos)


def matrix(index: Index, state: ExploreState) -> api.MatrixOut:
    """Stakeholders with any recorded stance (as on the matrix page) x the filtered options."""
    options, _, _ = _explored(index, state)
    assume = assumed_positions(state.assume)
    slugs = [o.slug for o in options]
    people = [
        s
        for s in index.stakeholders.values()
        if any((s.slug, o) in index.history for o in index.options)
    ]
    return api.MatrixOut(
        query=state.query(),
        options=slugs,
        rows=[
            api.MatrixRow(
                stakeholder=p.slug,
                name=p.name,
                positions={o: _cell(index, p.slug, o, assume) for o in slugs},
            )
            for p in people
        ],
    )


def matrix_table(result: api.MatrixOut) -> Table:
    header = ["stakeholder", "name", *result.options]
    rows: list[list[object]] = [
        [r.stakeholder, r.name, *(r.positions[o] for o in result.options)] for r in result.rows
    ]
    return header, rows


# --- sources -----------------------------------------------------------------------------------


def _link(links: Mapping[str, LinkStatus], url: str | None) -> api.LinkCheckOut | None:
    lc = links.get(url) if url else None
    if lc is None:
        return None
    return api.LinkCheckOut(
        ok=lc.ok,
        status=lc.status,
        error=lc.error,
        final_url=lc.final_url,
        archive_url=lc.archive_url,
        checked_at=lc.checked_at,
    )


def _source_fields(index: Index, links: Mapping[str, LinkStatus], sid: str) -> dict[str, object]:
    s = index.sources[sid]
    return {
        "id": s.id,
        "title": s.title,
        "publisher": s.publisher,
        "date": s.date,
        "date_precision": s.date.precision,
        "url": s.url,
        "kind": s.kind,
        "author": s.author,
        "notes": s.notes,
        "cited_by": len(index.cited_by.get(s.id, [])),
        "link": _link(links, s.url),
        "href": f"/sources/{s.id}",
    }


def sources(
    index: Index, links: Mapping[str, LinkStatus], q: SourceQuery | None = None
) -> api.SourceList:
    q = q or SourceQuery()
    found = find_sources(index, q)
    return api.SourceList(
        query=q.query(),
        count=len(found),
        total=len(index.sources),
        sources=[
            api.SourceSummary.model_validate(_source_fields(index, links, sid)) for sid in found
        ],
    )


def sources_table(result: api.SourceList) -> Table:
    header = [
        "id",
        "title",
        "publisher",
        "date",
        "kind",
        "author",
        "url",
        "cited_by",
        "link_ok",
        "link_status",
        "link_checked_at",
    ]
    rows: list[list[object]] = [
        [s.id, s.title, s.publisher, s.date, s.kind, s.author, s.url, s.cited_by]
        + (
            [s.link.ok, s.link.status, s.link.checked_at.isoformat()]
            if s.link
            else [None, None, None]
        )
        for s in result.sources
    ]
    return header, rows


def source(index: Index, links: Mapping[str, LinkStatus], sid: str) -> api.SourceOut:
    cited = index.cited_by.get(sid, [])
    claims = [api.Claim(kind=c.kind, label=c.label, href=c.href, locator=c.locator) for c in cited]
    statements = {c.statement.id: c.statement for c in cited if c.statement}
    joint = [
        api.JointStatementOut(
            id=j.id,
            via=j.via,
            option=j.option,
            date=j.date,
            date_precision=j.date.precision if j.date else None,
            position=position_json(j.position),
            summary=j.summary,
            signatories=[slug for slug, _ in j.signatories],
        )
        for j in statements.values()
    ]
    return api.SourceOut.model_validate(
        {**_source_fields(index, links, sid), "claims": claims, "joint_statements": joint}
    )


def claims_table(result: api.SourceOut) -> Table:
    header = ["kind", "label", "locator", "href"]
    rows: list[list[object]] = [[c.kind, c.label, c.locator, c.href] for c in result.claims]
    return header, rows
