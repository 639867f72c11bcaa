"""An option's veto analysis and its veto status over time, as the option page's JSON twins give
them (/api/v1/options/{slug}/veto and /timeline).

Pure: no FastAPI, no database."""

import datetime as dt
from dataclasses import asdict

from app.analysis.timeline import Timeline
from app.analysis.veto import Bar, VetoAnalysis
from app.dataset.vocabulary import position_json
from app.views import models as api


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
