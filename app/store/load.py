"""Import a validated dataset atomically: all of it in one transaction, or nothing."""

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, text
from sqlmodel import Session, SQLModel, col, select

from app.analysis.stances import expand_stances
from app.dataset.schema import Cite, Dataset, Step
from app.store import models as m

# Children before parents, so foreign keys hold at every step of the wipe.
CONTENT_TABLES: tuple[type[SQLModel], ...] = (
    m.Citation,
    m.Stance,
    m.DecisionStep,
    m.DecisionRoute,
    m.LegalHurdle,
    m.Assessment,
    m.OptionAttribute,
    m.Option,
    m.DisputeClaim,
    m.Dispute,
    m.BodyMember,
    m.DecisionBody,
    m.Source,
    m.AttributeDef,
    m.Criterion,
    m.Stakeholder,
    m.Dossier,
)


Row = m.DisputeClaim | m.Assessment | m.LegalHurdle | m.Stance


def _id(row: SQLModel) -> int:
    """A flushed row's primary key (the rows below are only read after a flush)."""
    value = getattr(row, "id", None)
    assert isinstance(value, int), f"{type(row).__name__} was not flushed"
    return value


@dataclass(frozen=True)
class ImportResult:
    revision: int
    changed: bool
    content_hash: str


def content_hash(ds: Dataset) -> str:
    canonical = json.dumps(ds.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def latest_revision(session: Session) -> m.Revision | None:
    return session.exec(select(m.Revision).order_by(col(m.Revision.id).desc())).first()


def newer_in_database(session: Session, ds: Dataset) -> str | None:
    """Why loading `ds` would roll the database back, or None. Newer means facts of a later
    date, or this very content loaded before and replaced since: a restart that reloads the
    bundled file must not undo a revision someone loaded after it."""
    latest = latest_revision(session)
    if latest is None or latest.content_hash == content_hash(ds):
        return None
    held = Dataset.model_validate(latest.content).dossier.as_of
    if held > ds.dossier.as_of:
        return (
            f"the database holds revision {latest.id} with facts as of {held.isoformat()}, "
            f"newer than this file's {ds.dossier.as_of.isoformat()}"
        )
    earlier = session.exec(
        select(m.Revision.id).where(m.Revision.content_hash == content_hash(ds)).limit(1)
    ).first()
    if earlier is not None:
        return f"it was loaded as revision {earlier}, and revision {latest.id} replaced it since"
    return None


def import_dataset(
    session: Session,
    ds: Dataset,
    note: str = "",
    *,
    author: str = "",
    reviewer: str = "",
    on_publish: Callable[[Session, int], None] | None = None,
) -> ImportResult:
    """Publish `ds` as a new revision (unless it equals the latest). `on_publish` runs in the
    same transaction, holding the load's lock, with the new revision's number: what it
    writes (an approved proposal, an audit event) commits with the revision or not at all."""
    digest = content_hash(ds)
    latest = latest_revision(session)
    if latest is not None and latest.content_hash == digest:
        return ImportResult(latest.id or 0, False, digest)
    try:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("LOCK TABLE revision IN EXCLUSIVE MODE"))
        for table in CONTENT_TABLES:  # on SQLite the first delete waits for the write lock
            session.execute(delete(table))
        # Holding the lock, look again: an identical load may have committed meanwhile.
        latest = latest_revision(session)
        if latest is not None and latest.content_hash == digest:
            session.rollback()
            return ImportResult(latest.id or 0, False, digest)
        _insert(session, ds)
        rev = m.Revision(
            content_hash=digest,
            dossier_slug=ds.dossier.slug,
            loaded_at=dt.datetime.now(dt.UTC),
            note=note.strip(),
            author=author,
            reviewer=reviewer,
            content=ds.model_dump(mode="json"),
        )
        session.add(rev)
        if on_publish is not None:
            session.flush()
            on_publish(session, rev.id or 0)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return ImportResult(rev.id or 0, True, digest)


def _insert(session: Session, ds: Dataset) -> None:
    # long: a flat list of inserts, one table after another, in the order of the foreign keys
    session.add(m.Dossier(**ds.dossier.model_dump()))
    crit = {
        c.slug: m.Criterion(
            slug=c.slug,
            position=i,
            title=c.title,
            description=c.description,
            direction=c.direction,
            default_weight=c.default_weight,
            scale={str(k): v for k, v in sorted(c.scale.items())},
        )
        for i, c in enumerate(ds.criteria)
    }
    attrs = {
        a.slug: m.AttributeDef(position=i, **a.model_dump()) for i, a in enumerate(ds.attributes)
    }
    people = {
        s.slug: m.Stakeholder(position=i, **s.model_dump()) for i, s in enumerate(ds.stakeholders)
    }
    bodies = {
        b.slug: m.DecisionBody(position=i, slug=b.slug, title=b.title, rule=b.rule, notes=b.notes)
        for i, b in enumerate(ds.bodies)
    }
    session.add_all([*crit.values(), *attrs.values(), *people.values(), *bodies.values()])
    session.add_all(
        m.Source(
            id=s.id,
            position=i,
            title=s.title,
            publisher=s.publisher,
            date=s.date.first_day,
            url=s.url,
            kind=s.kind,
            author=s.author,
            notes=s.notes,
        )
        for i, s in enumerate(ds.sources)
    )
    options = {
        o.slug: m.Option(
            slug=o.slug,
            position=i,
            title=o.title,
            category=o.category,
            status=o.status,
            proposed_on=o.proposed_on.first_day if o.proposed_on else None,
            summary=o.summary,
            description=o.description,
        )
        for i, o in enumerate(ds.options)
    }
    disputes = {
        d.slug: m.Dispute(slug=d.slug, position=i, topic=d.topic) for i, d in enumerate(ds.disputes)
    }
    session.add_all([*options.values(), *disputes.values()])
    session.flush()  # ids for the rows below

    for b in ds.bodies:
        # Blocs of a seat vote sit in the body too; none holds a veto alone.
        for i, slug in enumerate([*b.members, *(bl.stakeholder for bl in b.blocs)]):
            veto = b.rule == "unanimity" or slug in b.veto
            session.add(
                m.BodyMember(
                    body_id=_id(bodies[b.slug]),
                    stakeholder_id=_id(people[slug]),
                    position=i,
                    veto=veto,
                )
            )

    cited: list[tuple[Row, str, list[Cite]]] = []
    routes: dict[tuple[str, str], m.DecisionRoute] = {}
    for d in ds.disputes:
        for i, c in enumerate(d.claims):
            claim = m.DisputeClaim(dispute_id=_id(disputes[d.slug]), position=i, claim=c.claim)
            cited.append((claim, "claim_id", c.sources))
    for o in ds.options:
        row_o = options[o.slug]
        if o.proposed_by:
            row_o.proposed_by_id = _id(people[o.proposed_by])
        for slug, value in o.attributes.items():
            session.add(
                m.OptionAttribute(option_id=_id(row_o), attribute_id=_id(attrs[slug]), value=value)
            )
        for slug, a in o.assessments.items():
            assessment = m.Assessment(
                option_id=_id(row_o),
                criterion_id=_id(crit[slug]),
                score=a.score,
                low=a.low,
                high=a.high,
                confidence=a.confidence,
                rationale=a.rationale,
            )
            cited.append((assessment, "assessment_id", a.sources))
        for i, h in enumerate(o.hurdles):
            hurdle = m.LegalHurdle(
                option_id=_id(row_o),
                position=i,
                instrument=h.instrument,
                requires=h.requires,
                severity=h.severity,
            )
            cited.append((hurdle, "hurdle_id", h.sources))
        # Plain `steps:` have no route row; each of `routes:` has one, flushed for its id.
        own = [
            m.DecisionRoute(
                option_id=_id(row_o), slug=r.slug, position=i, title=r.title, note=r.note
            )
            for i, r in enumerate(o.routes)
        ]
        if own:
            session.add_all(own)
            session.flush()
        routes.update({(o.slug, row.slug): row for row in own})
        paths: list[tuple[m.DecisionRoute | None, list[Step]]] = [
            (None, o.steps),
            *zip(own, (r.steps for r in o.routes), strict=True),
        ]
        for row_r, steps in paths:
            for i, step in enumerate(steps):
                session.add(
                    m.DecisionStep(
                        option_id=_id(row_o),
                        route_id=_id(row_r) if row_r else None,
                        body_id=_id(bodies[step.body]),
                        ordinal=i,
                        action=step.action,
                        why=step.why,
                    )
                )
    for i, s in enumerate(expand_stances(ds)):
        route = routes.get((s.option, s.route or ""))
        stance = m.Stance(
            stakeholder_id=_id(people[s.who]),
            option_id=_id(options[s.option]),
            route_id=_id(route) if route else None,
            seq=i,
            date=s.date.first_day if s.date else None,
            position=s.pos,
            summary=s.summary,
            quote=s.quote,
            quote_by=s.quote_by,
        )
        cited.append((stance, "stance_id", s.sources))
    session.add_all(row for row, _, _ in cited)
    session.flush()
    for row, column, cites in cited:
        for i, cite in enumerate(cites):
            link = m.Citation(source_id=cite.id, position=i, locator=cite.locator)
            setattr(link, column, _id(row))
            session.add(link)
    session.flush()
