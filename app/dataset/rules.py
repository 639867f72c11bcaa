"""The rules of `explorer check` beyond each field's type, run on the raw data so that they are
reported alongside field errors: cross-references, duplicates and dates, and text that reads
like an editor's working note."""

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from typing import Any

from app.dataset.dates import PartialDate
from app.dataset.problems import Loc, Problem


def _as_list(v: Any) -> list[Any]:
    return v if isinstance(v, list) else []


def _as_dict(v: Any) -> dict[str, Any]:
    return v if isinstance(v, dict) else {}


def semantic(raw: dict[str, Any]) -> Iterator[Problem]:
    """Cross-references, duplicates and dates, checked on the raw data so that they are reported
    alongside field errors rather than after them."""
    # long: a flat list of independent checks, read in one pass like the file they check
    keyed = {
        "criteria": "slug",
        "attributes": "slug",
        "stakeholders": "slug",
        "bodies": "slug",
        "sources": "id",
        "disputes": "slug",
        "conditions": "slug",
        "options": "slug",
    }
    known: dict[str, set[str]] = {}
    for section, key in keyed.items():
        items = _as_list(raw.get(section))
        counts = Counter(_as_dict(i).get(key) for i in items)
        known[section] = {k for k in counts if isinstance(k, str)}
        for i, item in enumerate(items):
            k = _as_dict(item).get(key)
            if k is not None and counts[k] > 1:
                yield Problem((section, i, key), f"duplicate {key} {k!r}")

    as_of = _as_dict(raw.get("dossier")).get("as_of")
    if isinstance(as_of, str):  # data that came as JSON (a proposal), not YAML
        try:
            as_of = dt.date.fromisoformat(as_of)
        except ValueError:
            as_of = None  # the field check reports it

    def after_as_of(loc: Loc, value: Any) -> Iterator[Problem]:
        try:
            day = PartialDate.parse(value).first_day if value is not None else None
        except ValueError:
            return  # the field check reports the malformed date
        if isinstance(as_of, dt.date) and day is not None and day > as_of:
            yield Problem(loc, f"date {value} is after the dossier's as_of {as_of}")

    for clash in sorted(known["conditions"] & known["stakeholders"]):
        yield Problem(
            ("conditions",),
            f"{clash!r} names both a condition and a stakeholder; assume= needs them apart",
        )

    def ref(loc: Loc, value: Any, section: str, what: str) -> Iterator[Problem]:
        if isinstance(value, str) and value not in known[section]:
            yield Problem(loc, f"unknown {what} {value!r}")

    def cites(loc: Loc, value: Any) -> Iterator[Problem]:
        for j, c in enumerate(_as_list(value)):
            yield from ref((*loc, j, "id"), _as_dict(c).get("id"), "sources", "source")

    def bars(loc: Loc, item: Any) -> Iterator[Problem]:
        """A step's or hurdle's bar: the conditions it names and the sources of its law."""
        for k, c in enumerate(_as_list(_as_dict(item).get("barred_by"))):
            yield from ref((*loc, "barred_by", k), c, "conditions", "condition")
        basis = _as_dict(_as_dict(item).get("barred_under"))
        yield from cites((*loc, "barred_under", "sources"), basis.get("sources"))

    attr_defs = {_as_dict(a).get("slug"): _as_dict(a) for a in _as_list(raw.get("attributes"))}

    for i, src in enumerate(_as_list(raw.get("sources"))):
        s = _as_dict(src)
        yield from after_as_of(("sources", i, "date"), s.get("date"))
        # Every source must be checkable by a reader: a link, or the reason there is none.
        if not s.get("url") and not str(s.get("url_missing") or "").strip():
            yield Problem(
                ("sources", i, "url"),
                "a source needs a url, or url_missing saying why no online copy exists",
            )
        for field in ("title", "publisher"):
            value = str(s.get(field) or "")
            if _editor_note(value):
                yield Problem(("sources", i, field), f"{_editor_note(value)}")
    for i, cond in enumerate(_as_list(raw.get("conditions"))):
        c = _as_dict(cond)
        yield from cites(("conditions", i, "sources"), c.get("sources"))
        yield from after_as_of(("conditions", i, "since"), c.get("since"))
    for i, body in enumerate(_as_list(raw.get("bodies"))):
        b = _as_dict(body)
        members = _as_list(b.get("members"))
        for j, m in enumerate(members):
            yield from ref(("bodies", i, "members", j), m, "stakeholders", "stakeholder")
        for j, m in enumerate(_as_list(b.get("veto"))):
            yield from ref(("bodies", i, "veto", j), m, "stakeholders", "stakeholder")
            if m not in members:
                yield Problem(("bodies", i, "veto", j), f"veto holder {m!r} is not a member")
        for j, bloc in enumerate(_as_list(b.get("blocs"))):
            yield from ref(
                ("bodies", i, "blocs", j, "stakeholder"),
                _as_dict(bloc).get("stakeholder"),
                "stakeholders",
                "stakeholder",
            )
        yield from cites(("bodies", i, "sources"), b.get("sources"))
    for i, dispute in enumerate(_as_list(raw.get("disputes"))):
        for j, claim in enumerate(_as_list(_as_dict(dispute).get("claims"))):
            yield from cites(
                ("disputes", i, "claims", j, "sources"), _as_dict(claim).get("sources")
            )
    for i, opt in enumerate(_as_list(raw.get("options"))):
        o = _as_dict(opt)
        yield from ref(
            ("options", i, "proposed_by"), o.get("proposed_by"), "stakeholders", "stakeholder"
        )
        yield from after_as_of(("options", i, "proposed_on"), o.get("proposed_on"))
        yield from cites(("options", i, "proposed_sources"), o.get("proposed_sources"))
        for slug, value in _as_dict(o.get("attributes")).items():
            loc: Loc = ("options", i, "attributes", slug)
            d = attr_defs.get(slug)
            if d is None:
                yield Problem(loc, f"unknown attribute {slug!r}")
            elif d.get("type") == "bool" and not isinstance(value, bool):
                yield Problem(loc, "must be true or false")
            elif d.get("type") == "number" and (
                isinstance(value, bool) or not isinstance(value, int | float)
            ):
                yield Problem(loc, "must be a number")
            elif d.get("type") == "enum" and value not in _as_list(d.get("values")):
                yield Problem(loc, f"must be one of {_as_list(d.get('values'))}")
        for crit, a in _as_dict(o.get("assessments")).items():
            loc = ("options", i, "assessments", crit)
            yield from ref(loc, crit, "criteria", "criterion")
            yield from cites((*loc, "sources"), _as_dict(a).get("sources"))
        for j, h in enumerate(_as_list(o.get("hurdles"))):
            yield from cites(("options", i, "hurdles", j, "sources"), _as_dict(h).get("sources"))
            yield from bars(("options", i, "hurdles", j), h)
        # Plain `steps:` are one route; each of `routes:` has its own.
        paths: list[tuple[Loc, Any]] = [(("options", i, "steps"), o.get("steps"))]
        for j, r in enumerate(_as_list(o.get("routes"))):
            yield from cites(("options", i, "routes", j, "sources"), _as_dict(r).get("sources"))
            paths.append((("options", i, "routes", j, "steps"), _as_dict(r).get("steps")))
        for at, steps in paths:
            for j, s in enumerate(_as_list(steps)):
                yield from ref((*at, j, "body"), _as_dict(s).get("body"), "bodies", "body")
                yield from bars((*at, j), s)
    routes = {
        o.get("slug"): {_as_dict(r).get("slug") for r in _as_list(o.get("routes"))}
        for o in map(_as_dict, _as_list(raw.get("options")))
    }
    seen: dict[tuple[Any, ...], int] = {}
    for i, stance in enumerate(_as_list(raw.get("stances"))):
        s = _as_dict(stance)
        yield from ref(
            ("stances", i, "stakeholder"), s.get("stakeholder"), "stakeholders", "stakeholder"
        )
        for j, who in enumerate(_as_list(s.get("stakeholders"))):
            yield from ref(("stances", i, "stakeholders", j), who, "stakeholders", "stakeholder")
        yield from ref(("stances", i, "members_of"), s.get("members_of"), "bodies", "body")
        yield from ref(("stances", i, "option"), s.get("option"), "options", "option")
        yield from after_as_of(("stances", i, "date"), s.get("date"))
        yield from cites(("stances", i, "sources"), s.get("sources"))
        route = s.get("route")
        if route is not None and route not in routes.get(s.get("option"), {route}):
            yield Problem(
                ("stances", i, "route"), f"option {s.get('option')} has no route {route!r}"
            )
        same = (s.get("stakeholder"), s.get("option"), route, s.get("date"))
        if s.get("stakeholder") is not None and same in seen:
            yield Problem(
                ("stances", i), f"same stakeholder, option, route and date as stances[{seen[same]}]"
            )
        seen.setdefault(same, i)


# Text readers see must not be an editor's working note.
EDITOR_NOTES = ("reference sheet", "reference material", "seed article", "recorded as")


def _editor_note(text: str) -> str | None:
    low = text.casefold()
    for phrase in EDITOR_NOTES:
        if phrase in low:
            return f"reads like an editor's note ({phrase!r}); write for the reader"
    return None


def texts(node: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if isinstance(node, str):
        yield loc, node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from texts(v, (*loc, str(k)))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from texts(v, (*loc, i))


def editor_notes(raw: dict[str, Any]) -> Iterator[Problem]:
    for loc, text in texts(raw, ()):
        note = _editor_note(text)
        if note and "sources" not in loc[:1]:
            yield Problem(loc, note)
