"""The dataset as tidy tables for analysis, described by a Frictionless Data Package
(https://datapackage.org): one row per fact, typed columns, keys that join the tables.

Pure functions over the index: the routes under /data/ serve each table as CSV and the
descriptor as JSON, so what the descriptor promises is what the files hold."""

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from app.analysis.index import Index, veto_for
from app.analysis.labels import POSITION_LABELS
from app.dataset.records import LinkStatus
from app.dataset.schema import Cite
from app.dataset.vocabulary import VetoStatus
from app.pages import methodology, sources, stakeholders

FieldType = Literal["string", "integer", "number", "boolean", "date", "datetime"]
Rows = list[list[object]]


@dataclass(frozen=True)
class Column:
    name: str
    type: FieldType
    description: str
    required: bool = False
    enum: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "type": self.type}
        out["description"] = self.description
        if self.type == "datetime":
            out["format"] = "any"  # ISO 8601 with an offset
        constraints: dict[str, Any] = {}
        if self.required:
            constraints["required"] = True
        if self.enum:
            constraints["enum"] = list(self.enum)
        if self.minimum is not None:
            constraints["minimum"] = self.minimum
        if self.maximum is not None:
            constraints["maximum"] = self.maximum
        if constraints:
            out["constraints"] = constraints
        return out


@dataclass(frozen=True)
class Table:
    name: str  # the file is /data/{name}.csv
    title: str
    description: str
    columns: tuple[Column, ...]
    rows: Callable[[Index, Mapping[str, LinkStatus]], Rows]
    primary_key: tuple[str, ...] = ()
    # column -> (table, its column)
    foreign_keys: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def header(self) -> list[str]:
        return [c.name for c in self.columns]


def _key(name: str, description: str) -> Column:
    """A text column every row fills: ids and names."""
    return Column(name, "string", description, required=True)


def _score(name: str, description: str) -> Column:
    return Column(name, "integer", description, required=True, minimum=1, maximum=5)


def _ids(cites: Sequence[Cite]) -> str:
    return "; ".join(dict.fromkeys(c.id for c in cites))


SOURCE_IDS = "Ids of the sources cited, separated by '; ' (see sources.csv)."


# --- rows ----------------------------------------------------------------------------------


def _options(index: Index, _: Mapping[str, LinkStatus]) -> Rows:
    return [
        [
            o.slug,
            o.title,
            o.category,
            o.status,
            veto_for(index, o.slug).status.value,
            index.max_hurdle[o.slug],
        ]
        for o in index.options.values()
    ]


def _criteria(index: Index, _: Mapping[str, LinkStatus]) -> Rows:
    return methodology.criteria_table(methodology.criteria(index))[1]


def _scores(index: Index, _: Mapping[str, LinkStatus]) -> Rows:
    return [
        [
            o.slug,
            crit,
            a.score,
            *a.range,
            a.confidence,
            a.rationale,
            _ids(a.sources),
        ]
        for o in index.options.values()
        for crit, a in o.assessments.items()
    ]


def _stakeholders(index: Index, _: Mapping[str, LinkStatus]) -> Rows:
    return stakeholders.stakeholders_table(stakeholders.stakeholders(index))[1]


def _stances(index: Index, _: Mapping[str, LinkStatus]) -> Rows:
    return [
        [
            s.who,
            s.option,
            # Routes (several legal ways to one option) are a later addition to the model.
            getattr(s, "route", None),
            s.pos,
            POSITION_LABELS[s.pos],
            s.date.first_day if s.date else None,
            s.date.precision if s.date else None,
            index.current.get((s.who, s.option)) is s,
            s.via if s.signatories else None,
            s.summary,
            _ids(s.sources),
        ]
        for who in index.stakeholders
        for option in index.options
        for s in index.history.get((who, option), [])
    ]


def _sources(index: Index, links: Mapping[str, LinkStatus]) -> Rows:
    return sources.sources_table(sources.sources(index, links))[1]


# --- the tables ----------------------------------------------------------------------------

TABLES: tuple[Table, ...] = (
    Table(
        "options",
        "Options",
        "The policy options compared, with their veto status on the data's date.",
        (
            _key("slug", "The option's id."),
            _key("title", "Its name."),
            Column("category", "string", "Its kind."),
            Column("status", "string", "How far it has got (proposed, under negotiation...)."),
            Column(
                "veto",
                "string",
                "Whether anyone on its decision path could block it: clear, uncertain, "
                "blocked (a veto holder opposes) or barred (the law bars a step for now).",
                required=True,
                enum=tuple(v.value for v in VetoStatus),
            ),
            Column("max_hurdle", "integer", "Its highest legal hurdle, 0 (none) to 5.", maximum=5),
        ),
        _options,
        primary_key=("slug",),
    ),
    Table(
        "criteria",
        "Criteria",
        "What the options are scored on, the direction of each scale and its words.",
        (
            _key("slug", "The criterion's id."),
            _key("title", "Its name."),
            Column(
                "direction",
                "string",
                "Whether a higher score is better or worse.",
                required=True,
                enum=("higher-is-better", "lower-is-better"),
            ),
            Column("default_weight", "integer", "Its weight, 0 to 5, before a reader changes it."),
            *(Column(f"scale_{i}", "string", f"What a score of {i} means.") for i in range(1, 6)),
            Column("description", "string", "What it measures."),
        ),
        _criteria,
        primary_key=("slug",),
    ),
    Table(
        "scores",
        "Scores",
        "One row per option and criterion: the score, its plausible range and the editors' "
        "confidence, with the reasons and sources.",
        (
            _key("option", "The option (options.csv)."),
            _key("criterion", "The criterion (criteria.csv)."),
            _score("score", "The score, 1 to 5."),
            _score("low", "The lowest plausible score."),
            _score("high", "The highest plausible score."),
            Column(
                "confidence",
                "string",
                "How sure the editors are.",
                required=True,
                enum=("low", "medium", "high"),
            ),
            Column("rationale", "string", "Why, in words."),
            Column("sources", "string", SOURCE_IDS),
        ),
        _scores,
        primary_key=("option", "criterion"),
        foreign_keys={"option": ("options", "slug"), "criterion": ("criteria", "slug")},
    ),
    Table(
        "stakeholders",
        "Stakeholders",
        "Governments, parliaments and others whose stances are recorded.",
        (
            _key("slug", "The stakeholder's id."),
            _key("name", "Its name."),
            Column("kind", "string", "What it is (state, organisation, person...)."),
            Column("stances", "integer", "How many stances are recorded, history included."),
            Column("known", "integer", "On how many options its current stance is known."),
            Column("notes", "string", "Notes for readers."),
        ),
        _stakeholders,
        primary_key=("slug",),
    ),
    Table(
        "stances",
        "Stances",
        "Every recorded stance of a stakeholder on an option, history included; a joint "
        "statement gives one row per signatory, naming the statement in `via`.",
        (
            _key("stakeholder", "Who (stakeholders.csv)."),
            _key("option", "On what (options.csv)."),
            Column("route", "string", "The legal route the stance concerns, if any."),
            Column(
                "position",
                "integer",
                "-2 strongly opposes to 2 strongly supports; empty when recorded as unknown.",
                minimum=-2,
                maximum=2,
            ),
            _key("position_label", "The position in words."),
            Column("date", "date", "When (the first day of the month or year if less precise)."),
            Column(
                "date_precision",
                "string",
                "How precise the date is.",
                enum=("day", "month", "year"),
            ),
            Column("current", "boolean", "Whether it is the latest stance on the option."),
            Column("via", "string", "The joint statement it comes from, if any."),
            Column("summary", "string", "What was said or done."),
            Column("sources", "string", SOURCE_IDS),
        ),
        _stances,
        foreign_keys={"stakeholder": ("stakeholders", "slug"), "option": ("options", "slug")},
    ),
    Table(
        "sources",
        "Sources",
        "The bibliography, with the last check of each link.",
        (
            _key("id", "The source's id, as cited in the other tables."),
            _key("title", "Its title."),
            Column("publisher", "string", "Who published it."),
            Column("date", "string", "When: YYYY, YYYY-MM or YYYY-MM-DD."),
            Column("kind", "string", "Primary or secondary.", enum=("primary", "secondary")),
            Column("author", "string", "Its author, if named."),
            Column("url", "string", "Where to read it."),
            Column("cited_by", "integer", "How many claims cite it."),
            Column("link_ok", "boolean", "Whether the link worked when last checked."),
            Column("link_status", "integer", "The HTTP status of that check."),
            Column("link_checked_at", "datetime", "When the link was last checked."),
        ),
        _sources,
        primary_key=("id",),
    ),
)
BY_NAME = {t.name: t for t in TABLES}


# --- the descriptor ------------------------------------------------------------------------

# Licences as the Data Package names them (SPDX ids, https://spdx.org/licenses/).
LICENCES = {
    "CC BY 4.0": ("CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/"),
    "CC BY-SA 4.0": ("CC-BY-SA-4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
    "CC0 1.0": ("CC0-1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
}


def licence(text: str) -> dict[str, str]:
    known = LICENCES.get(text)
    if known:
        return {"name": known[0], "path": known[1], "title": text}
    return {
        "name": re.sub(r"[^a-z0-9.]+", "-", text.lower()).strip("-") or "unknown",
        "title": text,
    }


def descriptor(
    index: Index, revision: int, loaded_at: dt.datetime, home: str, at: dt.date | None
) -> dict[str, Any]:
    """The datapackage.json: every table with its schema, the licence, the data's date and
    revision. Paths are relative to the descriptor; with `at`, each file is asked for as the
    dossier stood that day."""
    d = index.ds.dossier
    query = f"?at={at.isoformat()}" if at else ""
    return {
        "profile": "tabular-data-package",
        "name": d.slug,
        "title": d.title,
        "description": f"{d.question} {d.summary}".strip(),
        "homepage": home,
        "version": f"{revision}.0.0",
        # Stored in UTC; SQLite gives it back without the zone.
        "created": (loaded_at if loaded_at.tzinfo else loaded_at.replace(tzinfo=dt.UTC))
        .astimezone(dt.UTC)
        .strftime("%Y-%m-%dT%H:%M:%SZ"),
        "revision": revision,
        "as_of": d.as_of.isoformat(),
        "at": at.isoformat() if at else None,
        "licenses": [licence(d.licence)],
        "resources": [
            {
                "name": t.name,
                "path": f"{t.name}.csv{query}",
                "title": t.title,
                "description": t.description,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "lineTerminator": "\r\n"},
                "schema": {
                    "fields": [c.schema() for c in t.columns],
                    "missingValues": [""],
                    **({"primaryKey": list(t.primary_key)} if t.primary_key else {}),
                    **(
                        {
                            "foreignKeys": [
                                {"fields": col, "reference": {"resource": res, "fields": key}}
                                for col, (res, key) in t.foreign_keys.items()
                            ]
                        }
                        if t.foreign_keys
                        else {}
                    ),
                },
            }
            for t in TABLES
        ],
    }
