"""The stakeholders page, `/stakeholders`, with its JSON twin and CSV, and the stances of all of
them (/api/v1/stances).

Pure: no FastAPI, no database."""

from collections import Counter
from dataclasses import dataclass

from app.analysis.index import Index
from app.dataset import urls
from app.pages.parts import Table, stance
from app.state import StanceQuery
from app.views import models as api


@dataclass(frozen=True)
class StakeholdersPage:
    json: api.StakeholderList


def build(index: Index) -> StakeholdersPage:
    return StakeholdersPage(stakeholders(index))


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
                href=urls.stakeholder(s.slug),
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
