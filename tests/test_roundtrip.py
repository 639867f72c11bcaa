"""load -> export -> load is lossless, over generated datasets and the default dataset."""

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.config import DEFAULT_DATASET
from app.dataset.check import load_dataset, validate_text
from app.dataset.rules import EDITOR_NOTES
from app.dataset.schema import Dataset
from app.dataset.text import text_problem
from app.store import models as m
from app.store.export import export_dataset, to_yaml
from app.store.load import import_dataset


def _reader_text(s: str) -> bool:
    """`explorer check` refuses text that reads like an editor's note; so must the generator."""
    return not any(phrase in s.casefold() for phrase in EDITOR_NOTES)


text = (
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30)
    .filter(lambda s: s.strip() == s and s != "")
    .filter(_reader_text)
)
# `explorer check` refuses control characters but TAB and LF (NUL among them: PostgreSQL text
# cannot hold it): see test_dataset_limits and test_hostile_text.
free = (
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
    .map(lambda s: "".join(c for c in s.replace("\r", "") if c in "\t\n" or not text_problem(c)))
    .filter(_reader_text)
)
slug = st.from_regex(r"\A[a-z][a-z0-9]{0,5}(-[a-z0-9]{1,4})?\Z")
AS_OF = dt.date(2025, 1, 1)
day = st.dates(min_value=dt.date(1990, 1, 1), max_value=AS_OF)
score = st.integers(1, 5)


@st.composite
def datasets(draw: st.DrawFn) -> Dataset:
    crit = draw(st.lists(slug, min_size=1, max_size=3, unique=True))
    people = draw(st.lists(slug, min_size=1, max_size=4, unique=True))
    opts = draw(st.lists(slug, min_size=1, max_size=3, unique=True))
    sources = draw(st.lists(slug, min_size=1, max_size=3, unique=True))
    cite = st.builds(lambda i, loc: {"id": i, "locator": loc}, st.sampled_from(sources), free)
    cites = st.lists(cite, min_size=1, max_size=2)

    def assessment() -> dict[str, Any]:
        s = draw(score)
        return {
            "score": s,
            "low": draw(st.one_of(st.none(), st.integers(1, s))),
            "high": draw(st.one_of(st.none(), st.integers(s, 5))),
            "confidence": draw(st.sampled_from(["low", "medium", "high"])),
            "rationale": draw(text),
            "sources": draw(cites),
        }

    rule = draw(st.sampled_from(["unanimity", "veto-members", "majority", "coalition"]))
    members = draw(st.lists(st.sampled_from(people), min_size=1, unique=True))
    # Plain `steps:` (no route), or `routes:`; a stance may address one route of its option.
    routes = {o: draw(st.sampled_from([[], ["by-a"], ["by-a", "by-b"]])) for o in opts}
    stances = []
    for _ in range(draw(st.integers(0, 5))):
        known = draw(st.booleans())
        opt = draw(st.sampled_from(opts))
        stances.append(
            {
                "stakeholder": draw(st.sampled_from(people)),
                "option": opt,
                "route": draw(st.sampled_from([None, *routes[opt]])),
                "date": draw(day) if known else draw(st.one_of(st.none(), day)),
                "position": draw(st.integers(-2, 2)) if known else "unknown",
                "summary": draw(free),
                "quote": None,
                "sources": draw(cites) if known else [],
            }
        )
    # One stance per (stakeholder, option, route, date): the checker rejects exact duplicates.
    unique = {(s["stakeholder"], s["option"], s["route"], s["date"]): s for s in stances}
    data = {
        "dossier": {
            "slug": "gen",
            "title": draw(text),
            "question": draw(text),
            "as_of": AS_OF,
            "licence": "CC0",
        },
        "criteria": [
            {
                "slug": c,
                "title": draw(text),
                "direction": draw(st.sampled_from(["higher-is-better", "lower-is-better"])),
                "default_weight": draw(st.integers(0, 5)),
                "scale": {i: draw(text) for i in range(1, 6)},
                "description": draw(free),
            }
            for c in crit
        ],
        "attributes": [
            {"slug": "flag", "title": "Flag", "type": "bool"},
            {"slug": "size", "title": "Size", "type": "number"},
            {"slug": "kind", "title": "Kind", "type": "enum", "values": ["a", "b"]},
        ],
        "stakeholders": [
            {
                "slug": p,
                "name": draw(text),
                "kind": draw(st.sampled_from(["state", "organisation", "person"])),
            }
            for p in people
        ],
        "bodies": [
            {
                "slug": "body",
                "title": draw(text),
                "rule": rule,
                "members": members,
                "veto": members[:1] if rule == "veto-members" else [],
            }
        ],
        "sources": [
            {
                "id": s,
                "title": draw(text),
                "publisher": draw(text),
                "date": draw(day),
                # A source has a url, or says why it has none (explorer check requires one).
                **draw(
                    st.sampled_from(
                        [
                            {"url": f"https://example.org/{s}"},
                            {"url": None, "url_missing": "Printed only."},
                        ]
                    )
                ),
                "kind": draw(st.sampled_from(["primary", "secondary"])),
            }
            for s in sources
        ],
        "options": [
            {
                "slug": o,
                "title": draw(text),
                "category": draw(slug),
                "status": draw(st.sampled_from(["proposed", "in-force", "rejected"])),
                "proposed_by": draw(st.one_of(st.none(), st.sampled_from(people))),
                "proposed_on": draw(st.one_of(st.none(), day)),
                "summary": draw(text),
                "description": draw(free),
                "attributes": draw(
                    st.fixed_dictionaries(
                        {},
                        optional={
                            "flag": st.booleans(),
                            "size": st.integers(-5, 500),
                            "kind": st.sampled_from(["a", "b"]),
                        },
                    )
                ),
                "assessments": {c: assessment() for c in crit if draw(st.booleans())},
                "hurdles": [
                    {
                        "instrument": draw(text),
                        "requires": draw(text),
                        "severity": draw(score),
                        "sources": draw(cites),
                    }
                    for _ in range(draw(st.integers(0, 2)))
                ],
                **(
                    {
                        "routes": [
                            {
                                "slug": r,
                                "title": draw(text),
                                "note": draw(free),
                                "steps": [{"body": "body", "action": draw(text)}],
                            }
                            for r in routes[o]
                        ]
                    }
                    if routes[o]
                    else {
                        "steps": [{"body": "body", "action": draw(text)}]
                        if draw(st.booleans())
                        else []
                    }
                ),
            }
            for o in opts
        ],
        "stances": list(unique.values()),
    }
    return Dataset.model_validate(data)


def roundtrip(engine: Engine, ds: Dataset) -> Dataset:
    with Session(engine) as session:
        import_dataset(session, ds)
        exported = export_dataset(session)
    assert exported is not None
    parsed, problems = validate_text(to_yaml(exported))
    assert problems == []
    assert parsed is not None
    return parsed


@pytest.mark.slow  # seconds of CPU: `make test` runs it, `make check` leaves it out
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ds=datasets())
def test_generated_datasets_survive_load_export_load(engine: Engine, ds: Dataset) -> None:
    # The property covers datasets `explorer check` accepts; anything else never loads.
    assume(validate_text(to_yaml(ds))[1] == [])
    assert roundtrip(engine, ds) == ds


@pytest.mark.slow  # seconds of CPU: `make test` runs it, `make check` leaves it out
def test_default_dataset_survives_load_export_load(engine: Engine) -> None:
    ds = load_dataset(DEFAULT_DATASET)
    assert roundtrip(engine, ds) == ds


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_routes_are_stored_as_rows_for_sql_users(engine: Engine) -> None:
    ds = load_dataset(DEFAULT_DATASET)
    with Session(engine) as session:
        import_dataset(session, ds)
        routes = session.exec(
            select(m.Option.slug, m.DecisionRoute.slug)
            .join(m.DecisionRoute, col(m.DecisionRoute.option_id) == m.Option.id)
            .order_by(col(m.DecisionRoute.id))
        ).all()
        un_steps = session.exec(
            select(m.DecisionRoute.slug, m.DecisionStep.ordinal)
            .join(m.DecisionStep, col(m.DecisionStep.route_id) == m.DecisionRoute.id)
            .where(m.DecisionRoute.slug.in_(["security-council", "general-assembly"]))  # type: ignore[attr-defined]
            .order_by(col(m.DecisionStep.id))
        ).all()
        scoped = session.exec(
            select(m.DecisionRoute.slug).join(
                m.Stance, col(m.Stance.route_id) == m.DecisionRoute.id
            )
        ).all()
    assert ("un-peacekeeping", "general-assembly") in routes
    assert ("us-article-5-like", "executive-agreement") in routes
    # Each route keeps its own steps, numbered from 0: the Assembly is not a second step
    # after the Council any more, but the first of its own route.
    assert ("general-assembly", 0) in un_steps and ("security-council", 0) in un_steps
    assert set(scoped) == {"nato-protocol", "national-commitments"}
