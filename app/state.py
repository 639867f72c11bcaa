"""The one query-string parser: query string <-> typed, frozen state, for HTML and API alike.

Canonical form: parameters in a fixed order, defaults left out, lists sorted where order carries
no meaning. Equal states therefore serialise to equal URLs."""

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal, Protocol
from urllib.parse import urlencode

from app.dataset.hypotheses import LIFTED, Hypotheses, Hypothesis, with_hypothesis
from app.dataset.schema import UNCERTAIN_KINDS, Criterion, Dataset, Option, Position, VetoStatus

StanceFilter = Literal["support", "oppose", "not-oppose", "unknown"]
STANCE_FILTERS: tuple[str, ...] = ("support", "oppose", "not-oppose", "unknown")
# `veto=` takes a status, or "uncertain-" and why: uncertain-vote-not-held, uncertain-silent, ...
VETO_FILTERS: tuple[str, ...] = (
    *VetoStatus,
    *(f"{VetoStatus.UNCERTAIN}-{k}" for k in UNCERTAIN_KINDS),
)
OPTION_STATUSES = ("proposed", "under-negotiation", "in-force", "lapsed", "rejected")
POSITIONS: tuple[str, ...] = ("-2", "-1", "0", "1", "2", "unknown")
MAX_Q = 200
MAX_PARAMS = 200
MAX_VALUE = 4_000  # characters in one parameter (name and value)
MAX_LIST = 100  # items in one comma-separated list (o, w, assume)
MIN_COMPARE, MAX_COMPARE = 2, 6
CODE_RE = re.compile(r"^[A-Za-z0-9_-]{8,32}$")  # a permanent link's code


class BadParam(ValueError):
    """A malformed or unknown query parameter: says which, and what it may be."""

    def __init__(self, param: str, message: str, allowed: Iterable[str] = ()) -> None:
        self.param = param
        self.message = message
        self.allowed = tuple(allowed)
        super().__init__(f"{param}: {message}")


@dataclass(frozen=True)
class Vocab:
    """What the dataset allows: the parser validates slugs and values against it."""

    categories: tuple[str, ...]
    statuses: tuple[str, ...]
    attributes: Mapping[str, tuple[str, ...]]  # slug -> allowed values as strings
    criteria: Mapping[str, int]  # slug -> default weight
    stakeholders: tuple[str, ...]
    options: tuple[str, ...]
    conditions: tuple[str, ...] = ()
    # `at=` may go back to the first day on record and forward to today.
    earliest: dt.date | None = None
    today: dt.date | None = None
    # The overview chart's default criteria (across, up); `x=`/`y=` choose others.
    axes: tuple[str, str] | None = None
    # On a past day (`at=`): options not yet proposed, slug -> why they cannot be shown, e.g.
    # "not yet proposed on 1 June 2022 (first proposed on 2 March 2025)".
    later: Mapping[str, str] = field(default_factory=dict)
    publishers: tuple[str, ...] = ()  # of the sources, for the sources page's filter


def vocab_of(ds: Dataset, earliest: dt.date | None) -> Vocab:
    """The words a query may use on this dataset: its slugs, values and defaults; `earliest`
    is the first day `at=` may name."""
    return Vocab(
        categories=tuple(sorted({o.category for o in ds.options})),
        statuses=OPTION_STATUSES,
        attributes={
            a.slug: ("true", "false")
            if a.type == "bool"
            else tuple(a.values or ())
            if a.type == "enum"
            else tuple(
                sorted({str(o.attributes[a.slug]) for o in ds.options if a.slug in o.attributes})
            )
            for a in ds.attributes
        },
        criteria={c.slug: c.default_weight for c in ds.criteria},
        stakeholders=tuple(s.slug for s in ds.stakeholders),
        options=tuple(o.slug for o in ds.options),
        conditions=tuple(c.slug for c in ds.conditions),
        earliest=earliest,
        axes=overview_axes(ds.criteria),
        publishers=tuple(sorted({s.publisher for s in ds.sources}, key=str.casefold)),
    )


def overview_axes(criteria: Sequence[Criterion]) -> tuple[str, str] | None:
    """The overview chart's default criteria: the first one across, and up the next one where
    higher is better (for the Ukraine dossier: political feasibility x deterrence)."""
    if len(criteria) < 2:
        return None
    x = criteria[0].slug
    ups = [c.slug for c in criteria[1:] if c.direction == "higher-is-better"]
    return x, (ups or [criteria[1].slug])[0]


def suggest(word: str, choices: Iterable[str], n: int = 3) -> list[str]:
    return difflib.get_close_matches(word, list(choices), n=n, cutoff=0.5)


def _hypotheses_pair(assume: Hypotheses) -> tuple[str, str]:
    return ("assume", ",".join(f"{h.who}:{h.value}" for h in assume))


@dataclass(frozen=True)
class ExploreState:
    q: str = ""
    category: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    attrs: tuple[tuple[str, str], ...] = ()
    mins: tuple[tuple[str, int], ...] = ()
    max_hurdle: int | None = None
    stances: tuple[tuple[str, str], ...] = ()
    veto: str | None = None
    sort: str | None = None
    o: tuple[str, ...] = ()
    assume: Hypotheses = ()
    at: dt.date | None = None
    x: str | None = None  # the overview chart's criteria, when not the default ones
    y: str | None = None

    def pairs(self) -> list[tuple[str, str]]:
        # Canonical order: the filters in registry order, then sort, selection, hypotheses.
        out = [pair for f in FILTERS for pair in f.pairs(getattr(self, f.field))]
        if self.sort:
            out.append(("sort", self.sort))
        out += [(k, v) for k, v in (("x", self.x), ("y", self.y)) if v]
        if self.o:
            out.append(("o", ",".join(self.o)))
        if self.assume:
            out.append(_hypotheses_pair(self.assume))
        if self.at:
            out.append(("at", self.at.isoformat()))
        return out

    def query(self) -> str:
        return urlencode(self.pairs(), safe=",:")

    def axes(self, vocab: Vocab) -> tuple[str, str]:
        """The overview chart's criteria (across, up): the chosen ones, else the defaults."""
        x, y = vocab.axes or _default_axes(vocab)
        return self.x or x, self.y or y

    def is_filtered(self) -> bool:
        return any(f.pairs(getattr(self, f.field)) for f in FILTERS)

    def with_position(self, who: str, position: Position) -> "ExploreState":
        """This view plus one hypothesis (`hu:0`), keeping the others."""
        return replace(self, assume=with_hypothesis(self.assume, Hypothesis(who, position)))

    def with_lifted(self, condition: str) -> "ExploreState":
        """This view plus one condition switched off (`martial-law-ua:lifted`)."""
        lifted = Hypothesis(condition, lifted=True)
        return replace(self, assume=with_hypothesis(self.assume, lifted))

    def without_hypotheses(self) -> "ExploreState":
        return replace(self, assume=())

    def cleared(self) -> "ExploreState":
        """The same view with every filter removed (sort, selection and hypotheses stay)."""
        return ExploreState(
            sort=self.sort, o=self.o, assume=self.assume, at=self.at, x=self.x, y=self.y
        )


@dataclass(frozen=True)
class CompareState:
    o: tuple[str, ...]
    w: tuple[tuple[str, int], ...] = ()  # only weights that differ from the default
    assume: Hypotheses = ()
    at: dt.date | None = None
    defaults: Mapping[str, int] = field(default_factory=dict, compare=False, hash=False)

    def pairs(self) -> list[tuple[str, str]]:
        # No options (the compare page's picker): no `o=` at all, so `/compare` is canonical.
        out = [("o", ",".join(self.o))] if self.o else []
        if self.w:
            out.append(("w", ",".join(f"{k}:{v}" for k, v in self.w)))
        if self.assume:
            out.append(_hypotheses_pair(self.assume))
        if self.at:
            out.append(("at", self.at.isoformat()))
        return out

    def query(self) -> str:
        return urlencode(self.pairs(), safe=",:")

    def weights(self) -> dict[str, int]:
        return {**self.defaults, **dict(self.w)}

    def with_options(self, o: Iterable[str]) -> "CompareState":
        return replace(self, o=tuple(o))


class _Params:
    """Reads a multi-dict of query parameters once, tracking which were consumed."""

    def __init__(self, items: Iterable[tuple[str, str]]) -> None:
        self.items = [(k, v.strip()) for k, v in items]
        if len(self.items) > MAX_PARAMS:
            raise BadParam("(query)", f"too many parameters (more than {MAX_PARAMS})")
        for k, v in self.items:
            if len(k) + len(v) > MAX_VALUE:
                raise BadParam(k[:40], f"is longer than {MAX_VALUE} characters")

    def all(self, name: str) -> list[str]:
        return [v for k, v in self.items if k == name and v != ""]

    def one(self, name: str) -> str | None:
        values = self.all(name)
        if len(values) > 1:
            raise BadParam(name, "may be given only once")
        return values[0] if values else None

    def prefixed(self, prefix: str) -> list[tuple[str, str]]:
        return [(k.removeprefix(prefix), v) for k, v in self.items if k.startswith(prefix) and v]

    def check_known(self, names: set[str], prefixes: tuple[str, ...]) -> None:
        for k, _ in self.items:
            if k not in names and not k.startswith(prefixes):
                raise BadParam(k, "is not a parameter this page understands", sorted(names))


def _choice(param: str, value: str, allowed: Iterable[str], what: str = "value") -> str:
    allowed = tuple(allowed)
    if value not in allowed:
        hint = suggest(value, allowed)
        extra = f"; did you mean {', '.join(hint)}?" if hint else ""
        raise BadParam(param, f"unknown {what} {value!r}{extra}", allowed)
    return value


INT_RE = re.compile(r"-?[0-9]{1,9}")


def strict_int(value: str) -> int | None:
    """An optional minus and 1-9 ASCII digits, else None: no `²`, `①`, `--1`, `+1`, spaces or
    numbers long enough to be costly. The one integer parser for anything a client sends."""
    return int(value) if INT_RE.fullmatch(value) else None


def _int(param: str, value: str, lo: int, hi: int) -> int:
    number = strict_int(value)
    if number is None or not lo <= number <= hi:
        raise BadParam(
            param,
            f"must be a whole number from {lo} to {hi}, not {value!r}",
            [str(i) for i in range(lo, hi + 1)],
        )
    return number


def _unique_keys(param: str, pairs: list[tuple[str, str]]) -> None:
    seen: set[str] = set()
    for k, _ in pairs:
        if k in seen:
            raise BadParam(f"{param}{k}", "may be given only once")
        seen.add(k)


def _split(param: str, raw: str) -> list[str]:
    """A comma-separated list, refused before splitting when it is longer than any valid one."""
    if raw.count(",") >= MAX_LIST:
        raise BadParam(param, f"lists more than {MAX_LIST} items")
    return raw.split(",")


def _options(raw: str | None, vocab: Vocab) -> tuple[str, ...]:
    if raw is None:
        return ()
    slugs = tuple(s.strip() for s in _split("o", raw) if s.strip())
    allowed = set(vocab.options)
    seen: set[str] = set()
    dupes: set[str] = set()
    for s in slugs:
        if s in vocab.later:
            raise BadParam("o", f"{s} was {vocab.later[s]}", vocab.options)
        if s not in allowed:
            _choice("o", s, vocab.options, "option")
        (dupes if s in seen else seen).add(s)
    if dupes:
        raise BadParam("o", f"lists {', '.join(sorted(dupes))} more than once")
    return slugs


def _assume(raw: str | None, vocab: Vocab) -> Hypotheses:
    if raw is None:
        return ()
    out: dict[str, Hypothesis] = {}
    for part in _split("assume", raw):
        who, sep, pos = part.strip().partition(":")
        if not sep:
            raise BadParam(
                "assume",
                f"{part!r} must look like stakeholder:position (e.g. hu:0) "
                f"or condition:{LIFTED} (e.g. martial-law-ua:{LIFTED})",
            )
        if pos == LIFTED or (who in vocab.conditions and who not in vocab.stakeholders):
            _choice("assume", who, vocab.conditions, "condition")
            _choice("assume", pos, (LIFTED,), "value for a condition")
            h = Hypothesis(who, lifted=True)
        else:
            _choice("assume", who, vocab.stakeholders, "stakeholder")
            _choice("assume", pos, POSITIONS, "position")
            h = Hypothesis(who, None if pos == "unknown" else int(pos))
        if who in out:
            raise BadParam("assume", f"gives {who} more than once")
        out[who] = h
    return tuple(sorted(out.values(), key=lambda h: h.who))


def _sort_fields(vocab: Vocab) -> list[str]:
    fields = ["title", "veto", *vocab.criteria]
    return fields + [f"-{f}" for f in fields]


def _default_axes(vocab: Vocab) -> tuple[str, str]:
    crits = list(vocab.criteria) or [""]
    return crits[0], crits[1] if len(crits) > 1 else crits[0]


def _axes(p: "_Params", vocab: Vocab) -> tuple[str | None, str | None]:
    """`x=`/`y=`: criterion slugs; a default is left out so that equal views share a URL."""
    default = vocab.axes or _default_axes(vocab)
    x, y = p.one("x"), p.one("y")
    for name, value in (("x", x), ("y", y)):
        if value is not None:
            _choice(name, value, vocab.criteria, "criterion")
    # Choosing for one axis the other's default criterion swaps the two.
    if x is not None and y is None and x == default[1]:
        y = default[0]
    if y is not None and x is None and y == default[0]:
        x = default[1]
    if (x or default[0]) == (y or default[1]):
        raise BadParam("y", f"must differ from x (both are {x or default[0]!r})", vocab.criteria)
    return (None if x == default[0] else x), (None if y == default[1] else y)


def parse_at(value: str | None, vocab: Vocab) -> dt.date | None:
    """`at=YYYY-MM-DD`: the dossier as it stood that day, between the first record and today."""
    day = _date("at", value)
    if day is None:
        return None
    today = vocab.today or dt.date.today()
    lo = vocab.earliest or today
    if not lo <= day <= today:
        raise BadParam(
            "at",
            f"must be a date from {lo.isoformat()} (the first record) to {today.isoformat()} "
            f"(today), not {day.isoformat()}",
        )
    # Today is the default view: leave it out so that equal views share one URL.
    return None if day == today else day


def parse_explore(items: Iterable[tuple[str, str]], vocab: Vocab) -> ExploreState:
    p = _Params(items)
    p.check_known(
        {f.param for f in FILTERS if not f.prefix} | {"sort", "o", "assume", "at", "x", "y"},
        tuple(f.param for f in FILTERS if f.prefix),
    )
    sort = p.one("sort")
    x, y = _axes(p, vocab)
    return ExploreState(
        **{f.field: f.parse(p, vocab) for f in FILTERS},
        # No sort: the recommended order (veto status, then the first criterion, then title).
        sort=_choice("sort", sort, _sort_fields(vocab), "sort field") if sort else None,
        o=_options(",".join(p.all("o")) or None, vocab),
        assume=_assume(p.one("assume"), vocab),
        at=parse_at(p.one("at"), vocab),
        x=x,
        y=y,
    )


def parse_weights(raw: str | None, vocab: Vocab) -> tuple[tuple[str, int], ...]:
    if raw is None:
        return ()
    out: dict[str, int] = {}
    for part in _split("w", raw):
        crit, sep, val = part.strip().partition(":")
        if not sep:
            raise BadParam("w", f"{part!r} must look like criterion:weight, e.g. feasibility:3")
        _choice("w", crit, vocab.criteria, "criterion")
        if crit in out:
            raise BadParam("w", f"gives {crit} more than once")
        out[crit] = _int("w", val, 0, 5)
    # Defaults are left out so that equal weightings give equal URLs.
    return tuple(sorted((k, v) for k, v in out.items() if vocab.criteria[k] != v))


def parse_compare(
    items: Iterable[tuple[str, str]], vocab: Vocab, *, fewest: int = MIN_COMPARE
) -> CompareState:
    """A comparison's state. `fewest=0` lets the compare page take fewer than MIN_COMPARE
    options (it then shows a picker); exports, the API and permanent links keep the minimum."""
    p = _Params(items)
    p.check_known({"o", "w", "assume", "at"}, ("w.",))
    o = _options(",".join(p.all("o")) or None, vocab)
    # `w.<criterion>=<0..5>` (one form control per criterion) is another spelling of `w`.
    weights = p.all("w") + [f"{k}:{v}" for k, v in p.prefixed("w.")]
    if not min(fewest, MIN_COMPARE) <= len(o) <= MAX_COMPARE:
        raise BadParam(
            "o",
            f"choose {MIN_COMPARE} to {MAX_COMPARE} options to compare; {len(o)} given",
            vocab.options,
        )
    return CompareState(
        o=o,
        w=parse_weights(",".join(weights) or None, vocab),
        assume=_assume(p.one("assume"), vocab),
        at=parse_at(p.one("at"), vocab),
        defaults=dict(vocab.criteria),
    )


DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class StanceQuery:
    """Filters of the stances API: who, on what, and between which dates (inclusive)."""

    stakeholder: tuple[str, ...] = ()
    option: tuple[str, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None

    def pairs(self) -> list[tuple[str, str]]:
        out = [("stakeholder", s) for s in self.stakeholder]
        out += [("option", o) for o in self.option]
        if self.since:
            out.append(("since", self.since.isoformat()))
        if self.until:
            out.append(("until", self.until.isoformat()))
        return out

    def query(self) -> str:
        return urlencode(self.pairs(), safe=",:")


def _date(param: str, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        # fromisoformat alone would also take forms like 20240101; the API promises YYYY-MM-DD.
        if not DATE_RE.match(value):
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadParam(param, f"must be a date written YYYY-MM-DD, not {value!r}") from None


def parse_stances(items: Iterable[tuple[str, str]], vocab: Vocab) -> StanceQuery:
    p = _Params(items)
    p.check_known({"stakeholder", "option", "since", "until"}, ())
    since, until = _date("since", p.one("since")), _date("until", p.one("until"))
    if since and until and since > until:
        raise BadParam("since", f"{since} is after until ({until})")
    return StanceQuery(
        stakeholder=tuple(
            sorted(
                {
                    _choice("stakeholder", s, vocab.stakeholders, "stakeholder")
                    for s in p.all("stakeholder")
                }
            )
        ),
        option=tuple(
            sorted({_choice("option", o, vocab.options, "option") for o in p.all("option")})
        ),
        since=since,
        until=until,
    )


SOURCE_KINDS = ("primary", "secondary")
YEAR_RE = re.compile(r"[0-9]{4}")


@dataclass(frozen=True)
class SourceQuery:
    """Filters of the sources page and its twins: words, the option a source is cited for,
    publisher, kind and year of publication."""

    q: str = ""
    option: str | None = None
    publisher: str | None = None
    kind: str | None = None
    year: int | None = None

    def pairs(self) -> list[tuple[str, str]]:
        out = [("q", self.q)] if self.q else []
        for name in ("option", "publisher", "kind"):
            if (value := getattr(self, name)) is not None:
                out.append((name, value))
        if self.year is not None:
            out.append(("year", str(self.year)))
        return out

    def query(self) -> str:
        return urlencode(self.pairs(), safe=",:")

    def is_filtered(self) -> bool:
        return bool(self.pairs())


def parse_sources(items: Iterable[tuple[str, str]], vocab: Vocab) -> SourceQuery:
    p = _Params(items)
    p.check_known({"q", "option", "publisher", "kind", "year", "at"}, ())
    option, publisher, kind, year = (p.one(n) for n in ("option", "publisher", "kind", "year"))
    if year is not None and not YEAR_RE.fullmatch(year):
        raise BadParam("year", f"must be a year written YYYY, not {year!r}")
    return SourceQuery(
        q=" ".join((p.one("q") or "").split()),
        option=_choice("option", option, vocab.options, "option") if option else None,
        publisher=_choice("publisher", publisher, vocab.publishers, "publisher")
        if publisher
        else None,
        kind=_choice("kind", kind, SOURCE_KINDS, "kind") if kind else None,
        year=int(year) if year else None,
    )


# --- the filter registry ---------------------------------------------------------------------
# One entry per filter of the explore page, the matrix and the options API: how it parses, its
# canonical query pairs, the predicate it applies, its chip label, its form control (a macro in
# templates/_filters.html) and its API documentation. Adding a filter touches only this list
# (and its macro). Modelled on Datasette's `Filters`.


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
    parse: Callable[["_Params", Vocab], Any]
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


def _parse_q(p: "_Params", vocab: Vocab) -> str:
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
    def parse(p: "_Params", vocab: Vocab) -> tuple[str, ...]:
        return tuple(sorted({_choice(param, v, allowed(vocab)) for v in p.all(param)}))

    return parse


def _set_predicates(param: str, attr: str) -> Callable[..., list[tuple[Pair, Predicate]]]:
    def predicates(values: tuple[str, ...], ctx: FilterContext) -> list[tuple[Pair, Predicate]]:
        if not values:
            return []
        return [((param, ",".join(values)), lambda o: getattr(o, attr) in values)]

    return predicates


def _parse_attrs(p: "_Params", vocab: Vocab) -> tuple[Pair, ...]:
    attrs = p.prefixed("attr.")
    _unique_keys("attr.", attrs)
    for k, v in attrs:
        _choice("attr." + k, k, vocab.attributes, "attribute")
        _choice("attr." + k, v, vocab.attributes[k])
    return tuple(sorted(attrs))


def _attr_predicate(slug: str, wanted: str) -> Predicate:
    return lambda o: _attr_matches(o, slug, wanted)


def _parse_mins(p: "_Params", vocab: Vocab) -> tuple[tuple[str, int], ...]:
    mins = [(k, _int("min." + k, v, 1, 5)) for k, v in p.prefixed("min.")]
    _unique_keys("min.", [(k, "") for k, _ in mins])
    for k, _ in mins:
        _choice("min." + k, k, vocab.criteria, "criterion")
    return tuple(sorted(mins))


def _min_predicate(slug: str, level: int, lower_is_better: bool) -> Predicate:
    """At least this good: a score at most `level` where lower is better, else at least."""
    if lower_is_better:
        return lambda o: slug in o.assessments and o.assessments[slug].score <= level
    return lambda o: slug in o.assessments and o.assessments[slug].score >= level


def _parse_max_hurdle(p: "_Params", vocab: Vocab) -> int | None:
    raw = p.one("max_hurdle")
    return _int("max_hurdle", raw, 1, 5) if raw else None


def _max_hurdle_predicates(most: int | None, ctx: FilterContext) -> list[tuple[Pair, Predicate]]:
    if most is None:
        return []
    return [(("max_hurdle", str(most)), lambda o: ctx.max_hurdle(o.slug) <= most)]


def _parse_stances(p: "_Params", vocab: Vocab) -> tuple[Pair, ...]:
    stances = p.prefixed("stance.")
    _unique_keys("stance.", stances)
    for k, v in stances:
        _choice("stance." + k, k, vocab.stakeholders, "stakeholder")
        _choice("stance." + k, v, STANCE_FILTERS)
    return tuple(sorted(stances))


def _stance_predicate(ctx: FilterContext, who: str, wanted: str) -> Predicate:
    return lambda o: stance_matches(ctx.position(who, o.slug), wanted)


def _parse_veto(p: "_Params", vocab: Vocab) -> str | None:
    raw = p.one("veto")
    return _choice("veto", raw, VETO_FILTERS) if raw else None


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
