"""The filter registry: one entry per filter of the explore page and its API twin, owning its
query parameter, its parser, its predicates, its chip and its control. A new filter is one
entry here (and its field on `ExploreState`)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from app.dataset.schema import Option
from app.dataset.vocabulary import UNCERTAIN_KINDS, VetoStatus
from app.state.params import (
    OPTION_STATUSES,
    BadParam,
    Params,
    Vocab,
    bounded_int,
    choice,
    unique_keys,
)

StanceFilter = Literal["support", "oppose", "not-oppose", "unknown"]
STANCE_FILTERS: tuple[str, ...] = ("support", "oppose", "not-oppose", "unknown")
# `veto=` takes a status, or "uncertain-" and why: uncertain-vote-not-held, uncertain-silent, ...
VETO_FILTERS: tuple[str, ...] = (
    *VetoStatus,
    *(f"{VetoStatus.UNCERTAIN}-{k}" for k in UNCERTAIN_KINDS),
)
MAX_Q = 200


class FilterContext(Protocol):
    """What predicates may ask of the dataset, given the page's hypotheses."""

    def text(self, option: str) -> str: ...
    def max_hurdle(self, option: str) -> int: ...
    def lower_is_better(self, criterion: str) -> bool: ...
    def position(self, stakeholder: str, option: str) -> int | None: ...
    def veto(self, option: str) -> str: ...
    def veto_why(self, option: str) -> str: ...  # "uncertain-silent", or "" when not uncertain


class FilterLabels(Protocol):
    """Names for chips: titles of attributes and criteria, stakeholders' names."""

    def attribute(self, slug: str) -> str: ...
    def criterion(self, slug: str) -> str: ...
    def score_bound(self, slug: str, level: int) -> str: ...
    def stakeholder(self, slug: str) -> str: ...


Predicate = Callable[[Option], bool]
Pair = tuple[str, str]
STANCE_WORDS = {
    "support": "supports",
    "oppose": "opposes",
    "not-oppose": "does not oppose",
    "unknown": "stance unknown",
}


def stance_matches(pos: int | None, wanted: str) -> bool:
    if wanted == "support":
        return pos is not None and pos > 0
    if wanted == "oppose":
        return pos is not None and pos < 0
    if wanted == "not-oppose":
        return pos is None or pos >= 0
    return pos is None  # unknown


def _attr_matches(option: Option, slug: str, wanted: str) -> bool:
    value = option.attributes.get(slug)
    if isinstance(value, bool):
        return ("true" if value else "false") == wanted
    return value is not None and str(value) == wanted


@dataclass(frozen=True)
class Filter:
    field: str  # the ExploreState attribute it fills
    param: str  # the query parameter, or its prefix when it ends with "."
    parse: Callable[["Params", Vocab], Any]
    pairs: Callable[[Any], list[Pair]]
    predicates: Callable[[Any, FilterContext], list[tuple[Pair, Predicate]]]
    chip: Callable[[str, str, FilterLabels], str]
    control: str  # macro name in templates/_filters.html
    doc: dict[str, Any]  # OpenAPI parameter; for a prefix, its description goes in the text

    @property
    def prefix(self) -> bool:
        return self.param.endswith(".")

    def owns(self, name: str) -> bool:
        return name.startswith(self.param) if self.prefix else name == self.param


def _doc(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}  # fmt: skip


def _parse_q(p: "Params", vocab: Vocab) -> str:
    q = p.one("q") or ""
    if len(q) > MAX_Q:
        raise BadParam("q", f"is longer than {MAX_Q} characters")
    return q


def _q_predicates(q: str, ctx: FilterContext) -> list[tuple[Pair, Predicate]]:
    if not q:
        return []
    words = q.casefold().split()
    return [(("q", q), lambda o: all(w in ctx.text(o.slug) for w in words))]


def _choices(param: str, allowed: Callable[[Vocab], Iterable[str]]) -> Callable[..., Any]:
    def parse(p: "Params", vocab: Vocab) -> tuple[str, ...]:
        return tuple(sorted({choice(param, v, allowed(vocab)) for v in p.all(param)}))

    return parse


def _set_predicates(param: str, attr: str) -> Callable[..., list[tuple[Pair, Predicate]]]:
    def predicates(values: tuple[str, ...], ctx: FilterContext) -> list[tuple[Pair, Predicate]]:
        if not values:
            return []
        return [((param, ",".join(values)), lambda o: getattr(o, attr) in values)]

    return predicates


def _parse_attrs(p: "Params", vocab: Vocab) -> tuple[Pair, ...]:
    attrs = p.prefixed("attr.")
    unique_keys("attr.", attrs)
    for k, v in attrs:
        choice("attr." + k, k, vocab.attributes, "attribute")
        choice("attr." + k, v, vocab.attributes[k])
    return tuple(sorted(attrs))


def _attr_predicate(slug: str, wanted: str) -> Predicate:
    return lambda o: _attr_matches(o, slug, wanted)


def _parse_mins(p: "Params", vocab: Vocab) -> tuple[tuple[str, int], ...]:
    mins = [(k, bounded_int("min." + k, v, 1, 5)) for k, v in p.prefixed("min.")]
    unique_keys("min.", [(k, "") for k, _ in mins])
    for k, _ in mins:
        choice("min." + k, k, vocab.criteria, "criterion")
    return tuple(sorted(mins))


def _min_predicate(slug: str, level: int, lower_is_better: bool) -> Predicate:
    """At least this good: a score at most `level` where lower is better, else at least."""
    if lower_is_better:
        return lambda o: slug in o.assessments and o.assessments[slug].score <= level
    return lambda o: slug in o.assessments and o.assessments[slug].score >= level


def _parse_max_hurdle(p: "Params", vocab: Vocab) -> int | None:
    raw = p.one("max_hurdle")
    return bounded_int("max_hurdle", raw, 1, 5) if raw else None


def _max_hurdle_predicates(most: int | None, ctx: FilterContext) -> list[tuple[Pair, Predicate]]:
    if most is None:
        return []
    return [(("max_hurdle", str(most)), lambda o: ctx.max_hurdle(o.slug) <= most)]


def _parse_stances(p: "Params", vocab: Vocab) -> tuple[Pair, ...]:
    stances = p.prefixed("stance.")
    unique_keys("stance.", stances)
    for k, v in stances:
        choice("stance." + k, k, vocab.stakeholders, "stakeholder")
        choice("stance." + k, v, STANCE_FILTERS)
    return tuple(sorted(stances))


def _stance_predicate(ctx: FilterContext, who: str, wanted: str) -> Predicate:
    return lambda o: stance_matches(ctx.position(who, o.slug), wanted)


def _parse_veto(p: "Params", vocab: Vocab) -> str | None:
    raw = p.one("veto")
    return choice("veto", raw, VETO_FILTERS) if raw else None


def _veto_predicates(veto: str | None, ctx: FilterContext) -> list[tuple[Pair, Predicate]]:
    if not veto:
        return []
    return [(("veto", veto), lambda o: veto in (ctx.veto(o.slug), ctx.veto_why(o.slug)))]


def _words(value: str) -> str:
    return value.replace(",", ", ").replace("-", " ")


FILTERS: tuple[Filter, ...] = (
    Filter(
        field="q",
        param="q",
        parse=_parse_q,
        pairs=lambda q: [("q", q)] if q else [],
        predicates=_q_predicates,
        chip=lambda n, v, lab: f"Text: “{v}”",
        control="text_search",
        doc=_doc("q", {"type": "string", "maxLength": MAX_Q}, "Free text: every word must occur."),
    ),
    Filter(
        field="category",
        param="category",
        parse=_choices("category", lambda v: v.categories),
        pairs=lambda values: [("category", c) for c in values],
        predicates=_set_predicates("category", "category"),
        chip=lambda n, v, lab: f"Category: {_words(v)}",
        control="categories",
        doc=_doc("category", {"type": "array", "items": {"type": "string"}}, "Repeatable."),
    ),
    Filter(
        field="status",
        param="status",
        parse=_choices("status", lambda v: v.statuses),
        pairs=lambda values: [("status", s) for s in values],
        predicates=_set_predicates("status", "status"),
        chip=lambda n, v, lab: f"Status: {_words(v)}",
        control="statuses",
        doc=_doc(
            "status",
            {"type": "array", "items": {"type": "string", "enum": list(OPTION_STATUSES)}},
            "Repeatable.",
        ),
    ),
    Filter(
        field="attrs",
        param="attr.",
        parse=_parse_attrs,
        pairs=lambda attrs: [(f"attr.{k}", v) for k, v in attrs],
        predicates=lambda attrs, ctx: [((f"attr.{k}", v), _attr_predicate(k, v)) for k, v in attrs],
        chip=lambda n, v, lab: (
            f"{lab.attribute(n[5:])}: {({'true': 'yes', 'false': 'no'}).get(v, v)}"
        ),
        control="attributes",
        doc=_doc("attr.<attribute>", {"type": "string"}, "`attr.<attribute>=<value>`"),
    ),
    Filter(
        field="mins",
        param="min.",
        parse=_parse_mins,
        pairs=lambda mins: [(f"min.{k}", str(v)) for k, v in mins],
        predicates=lambda mins, ctx: [
            ((f"min.{k}", str(v)), _min_predicate(k, v, ctx.lower_is_better(k))) for k, v in mins
        ],
        chip=lambda n, v, lab: f"{lab.criterion(n[4:])} {lab.score_bound(n[4:], int(v))}",
        control="minimum_scores",
        doc=_doc("min.<criterion>", {"type": "integer"}, "`min.<criterion>=<1..5>`"),
    ),
    Filter(
        field="max_hurdle",
        param="max_hurdle",
        parse=_parse_max_hurdle,
        pairs=lambda most: [("max_hurdle", str(most))] if most is not None else [],
        predicates=_max_hurdle_predicates,
        chip=lambda n, v, lab: f"Worst legal hurdle at most severity {v} of 5",
        control="worst_hurdle",
        doc=_doc(
            "max_hurdle",
            {"type": "integer", "minimum": 1, "maximum": 5},
            "Only options whose legal hurdles are all at most this severe.",
        ),
    ),
    Filter(
        field="stances",
        param="stance.",
        parse=_parse_stances,
        pairs=lambda stances: [(f"stance.{k}", v) for k, v in stances],
        predicates=lambda stances, ctx: [
            ((f"stance.{k}", v), _stance_predicate(ctx, k, v)) for k, v in stances
        ],
        chip=lambda n, v, lab: f"{lab.stakeholder(n[7:])} {STANCE_WORDS.get(v, v)}",
        control="stakeholder_stances",
        doc=_doc(
            "stance.<stakeholder>",
            {"type": "string"},
            "`stance.<stakeholder>=support|oppose|not-oppose|unknown`",
        ),
    ),
    Filter(
        field="veto",
        param="veto",
        parse=_parse_veto,
        pairs=lambda veto: [("veto", veto)] if veto else [],
        predicates=_veto_predicates,
        chip=lambda n, v, lab: f"Veto status: {_words(v)}",
        control="veto_status",
        doc=_doc(
            "veto",
            {"type": "string", "enum": list(VETO_FILTERS)},
            "Only options with this veto status (the option's best route); `uncertain-<why>` "
            "narrows uncertain to one reason: " + ", ".join(UNCERTAIN_KINDS) + ".",
        ),
    ),
)


def filter_for(name: str) -> Filter | None:
    return next((f for f in FILTERS if f.owns(name)), None)
