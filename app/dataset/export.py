"""Write the database back as a dataset file in the same format the loader reads."""

from collections import defaultdict
from typing import Any

import yaml
from sqlmodel import Session, select

from app import models as m
from app.dataset.schema import Dataset

_SKIP = {"id", "position"}


def _plain(row: m.SQLModel, *drop: str) -> dict[str, Any]:
    return {k: v for k, v in row.model_dump().items() if k not in _SKIP and k not in drop}


def export_dataset(session: Session) -> Dataset | None:
    dossier = session.exec(select(m.Dossier)).first()
    if dossier is None:
        return None

    def rows(model: Any, *order: Any) -> list[Any]:
        return list(session.exec(select(model).order_by(*order)).all())

    cites: dict[tuple[str, int], list[dict[str, str]]] = defaultdict(list)
    for c in rows(m.Citation, m.Citation.position):
        for column in ("assessment_id", "hurdle_id", "stance_id", "claim_id"):
            if getattr(c, column) is not None:
                cites[(column, getattr(c, column))].append(
                    {"id": c.source_id, "locator": c.locator}
                )

    people = rows(m.Stakeholder, m.Stakeholder.position)
    slug_of = {p.id: p.slug for p in people}
    criteria = rows(m.Criterion, m.Criterion.position)
    crit_slug = {c.id: c.slug for c in criteria}
    attrs = rows(m.AttributeDef, m.AttributeDef.position)
    attr_slug = {a.id: a.slug for a in attrs}
    bodies = rows(m.DecisionBody, m.DecisionBody.position)
    body_slug = {b.id: b.slug for b in bodies}
    members: dict[int, list[m.BodyMember]] = defaultdict(list)
    for bm in rows(m.BodyMember, m.BodyMember.position):
        members[bm.body_id].append(bm)

    by_option: dict[str, dict[int, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for a in rows(m.OptionAttribute):
        by_option["attributes"][a.option_id].append(a)
    for a in rows(m.Assessment, m.Assessment.id):
        by_option["assessments"][a.option_id].append(a)
    for h in rows(m.LegalHurdle, m.LegalHurdle.position):
        by_option["hurdles"][h.option_id].append(h)
    for s in rows(m.DecisionStep, m.DecisionStep.ordinal):
        by_option["steps"][s.option_id].append(s)

    claims: dict[int, list[m.DisputeClaim]] = defaultdict(list)
    for c in rows(m.DisputeClaim, m.DisputeClaim.position):
        claims[c.dispute_id].append(c)

    options = rows(m.Option, m.Option.position)
    option_slug = {o.id: o.slug for o in options}
    data: dict[str, Any] = {
        "dossier": _plain(dossier),
        "criteria": [
            {**_plain(c, "scale"), "scale": {int(k): v for k, v in c.scale.items()}}
            for c in criteria
        ],
        "attributes": [_plain(a) for a in attrs],
        "stakeholders": [_plain(p) for p in people],
        "bodies": [
            {
                **_plain(b),
                "members": [slug_of[x.stakeholder_id] for x in members[b.id]],
                "veto": [slug_of[x.stakeholder_id] for x in members[b.id] if x.veto]
                if b.rule == "veto-members"
                else [],
            }
            for b in bodies
        ],
        "sources": [{"id": s.id, **_plain(s)} for s in rows(m.Source, m.Source.position)],
        "disputes": [
            {
                "slug": d.slug,
                "topic": d.topic,
                "claims": [
                    {"claim": c.claim, "sources": cites[("claim_id", c.id)]} for c in claims[d.id]
                ],
            }
            for d in rows(m.Dispute, m.Dispute.position)
        ],
        "options": [
            {
                **_plain(o, "proposed_by_id"),
                "proposed_by": slug_of.get(o.proposed_by_id),
                "attributes": {
                    attr_slug[a.attribute_id]: a.value for a in by_option["attributes"][o.id]
                },
                "assessments": {
                    crit_slug[a.criterion_id]: {
                        **_plain(a, "option_id", "criterion_id"),
                        "sources": cites[("assessment_id", a.id)],
                    }
                    for a in by_option["assessments"][o.id]
                },
                "hurdles": [
                    {**_plain(h, "option_id"), "sources": cites[("hurdle_id", h.id)]}
                    for h in by_option["hurdles"][o.id]
                ],
                "steps": [
                    {"body": body_slug[s.body_id], "action": s.action, "why": s.why}
                    for s in by_option["steps"][o.id]
                ],
            }
            for o in options
        ],
        "stances": [
            {
                "stakeholder": slug_of[s.stakeholder_id],
                "option": option_slug[s.option_id],
                "date": s.date,
                "position": "unknown" if s.position is None else s.position,
                "summary": s.summary,
                "quote": s.quote,
                "quote_by": s.quote_by,
                "sources": cites[("stance_id", s.id)],
            }
            for s in rows(m.Stance, m.Stance.seq)
        ],
    }
    return Dataset.model_validate(data)


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    # Multi-line text (Markdown descriptions) reads best as a literal block.
    style = "|" if "\n" in value else None
    # YAML reads NEL, LS and PS as line breaks; only double quotes keep them verbatim.
    if any(ch in value for ch in "\x85\u2028\u2029\r") or (style and value != value.rstrip(" ")):
        style = '"'

    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def to_yaml(ds: Dataset) -> str:
    data = ds.model_dump(mode="python", exclude_defaults=True)
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
