"""The one query-string parser: query string <-> typed, frozen state, for HTML and API alike.

Canonical form: parameters in a fixed order, defaults left out, lists sorted where order carries
no meaning. Equal states therefore serialise to equal URLs.
The package: this module holds the typed states and their parsers; `params` what every parser
shares (BadParam, the dataset's Vocab, reading values); `filters` the filter registry. The
names other layers use are exported here."""

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from urllib.parse import urlencode

from app.dataset.hypotheses import LIFTED, Hypotheses, Hypothesis, with_hypothesis
from app.dataset.vocabulary import Position
from app.state.filters import FILTERS, VETO_FILTERS, Filter, Predicate, filter_for
from app.state.lists import SourceQuery, StanceQuery, parse_sources, parse_stances
from app.state.params import (
    OPTION_STATUSES,
    BadParam,
    Params,
    Vocab,
    bounded_int,
    choice,
    date_value,
    split_list,
    strict_int,
    suggest,
    vocab_of,
)

__all__ = [
    "CODE_RE",
    "FILTERS",
    "MAX_COMPARE",
    "MIN_COMPARE",
    "OPTION_STATUSES",
    "VETO_FILTERS",
    "BadParam",
    "CompareState",
    "ExploreState",
    "Filter",
    "Predicate",
    "SourceQuery",
    "StanceQuery",
    "Vocab",
    "filter_for",
    "parse_at",
    "parse_compare",
    "parse_explore",
    "parse_sources",
    "parse_stances",
    "strict_int",
    "suggest",
    "vocab_of",
]

POSITIONS: tuple[str, ...] = ("-2", "-1", "0", "1", "2", "unknown")
MIN_COMPARE, MAX_COMPARE = 2, 6
CODE_RE = re.compile(r"^[A-Za-z0-9_-]{8,32}$")  # a permanent link's code


def _what_if_and_when(assume: Hypotheses, at: dt.date | None) -> list[tuple[str, str]]:
    """The last parameters of every state, in canonical order: `assume=`, then `at=`."""
    out = [("assume", ",".join(f"{h.who}:{h.value}" for h in assume))] if assume else []
    return out + ([("at", at.isoformat())] if at else [])


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
        return out + _what_if_and_when(self.assume, self.at)

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
        return list(self._pairs)

    @cached_property
    def _pairs(self) -> tuple[tuple[str, str], ...]:
        # Worked out once: a weight change builds a dozen links from one state.
        # No options (the compare page's picker): no `o=` at all, so `/compare` is canonical.
        out = [("o", ",".join(self.o))] if self.o else []
        if self.w:
            out.append(("w", ",".join(f"{k}:{v}" for k, v in self.w)))
        return tuple(out + _what_if_and_when(self.assume, self.at))

    def query(self) -> str:
        return self._query

    @cached_property
    def _query(self) -> str:
        return urlencode(self._pairs, safe=",:")

    def weights(self) -> dict[str, int]:
        return {**self.defaults, **dict(self.w)}

    def with_options(self, o: Iterable[str]) -> "CompareState":
        return replace(self, o=tuple(o))


def _options(raw: str | None, vocab: Vocab) -> tuple[str, ...]:
    if raw is None:
        return ()
    slugs = tuple(s.strip() for s in split_list("o", raw) if s.strip())
    allowed = set(vocab.options)
    seen: set[str] = set()
    dupes: set[str] = set()
    for s in slugs:
        if s in vocab.later:
            raise BadParam("o", f"{s} was {vocab.later[s]}", vocab.options)
        if s not in allowed:
            choice("o", s, vocab.options, "option")
        (dupes if s in seen else seen).add(s)
    if dupes:
        raise BadParam("o", f"lists {', '.join(sorted(dupes))} more than once")
    return slugs


def _assume(raw: str | None, vocab: Vocab) -> Hypotheses:
    if raw is None:
        return ()
    out: dict[str, Hypothesis] = {}
    for part in split_list("assume", raw):
        who, sep, pos = part.strip().partition(":")
        if not sep:
            raise BadParam(
                "assume",
                f"{part!r} must look like stakeholder:position (e.g. hu:0) "
                f"or condition:{LIFTED} (e.g. martial-law-ua:{LIFTED})",
            )
        if pos == LIFTED or (who in vocab.conditions and who not in vocab.stakeholders):
            choice("assume", who, vocab.conditions, "condition")
            choice("assume", pos, (LIFTED,), "value for a condition")
            h = Hypothesis(who, lifted=True)
        else:
            choice("assume", who, vocab.stakeholders, "stakeholder")
            choice("assume", pos, POSITIONS, "position")
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


def _axes(p: "Params", vocab: Vocab) -> tuple[str | None, str | None]:
    """`x=`/`y=`: criterion slugs; a default is left out so that equal views share a URL."""
    default = vocab.axes or _default_axes(vocab)
    x, y = p.one("x"), p.one("y")
    for name, value in (("x", x), ("y", y)):
        if value is not None:
            choice(name, value, vocab.criteria, "criterion")
    # Choosing for one axis the other's default criterion swaps the two.
    if x is not None and y is None and x == default[1]:
        y = default[0]
    if y is not None and x is None and y == default[0]:
        x = default[1]
    # One criterion gives one axis: the chart plots it against itself, and nothing is refused.
    one = len(vocab.criteria) < 2
    if not one and (x or default[0]) == (y or default[1]):
        raise BadParam("y", f"must differ from x (both are {x or default[0]!r})", vocab.criteria)
    return (None if x == default[0] else x), (None if y == default[1] else y)


def parse_at(value: str | None, vocab: Vocab) -> dt.date | None:
    """`at=YYYY-MM-DD`: the dossier as it stood that day, between the first record and today."""
    day = date_value("at", value)
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
    p = Params(items)
    p.check_known(
        {f.param for f in FILTERS if not f.prefix} | {"sort", "o", "assume", "at", "x", "y"},
        tuple(f.param for f in FILTERS if f.prefix),
    )
    sort = p.one("sort")
    x, y = _axes(p, vocab)
    return ExploreState(
        **{f.field: f.parse(p, vocab) for f in FILTERS},
        # No sort: the recommended order (veto status, then the first criterion, then title).
        sort=choice("sort", sort, _sort_fields(vocab), "sort field") if sort else None,
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
    for part in split_list("w", raw):
        crit, sep, val = part.strip().partition(":")
        if not sep:
            raise BadParam("w", f"{part!r} must look like criterion:weight, e.g. feasibility:3")
        choice("w", crit, vocab.criteria, "criterion")
        if crit in out:
            raise BadParam("w", f"gives {crit} more than once")
        out[crit] = bounded_int("w", val, 0, 5)
    # Defaults are left out so that equal weightings give equal URLs.
    return tuple(sorted((k, v) for k, v in out.items() if vocab.criteria[k] != v))


def parse_compare(
    items: Iterable[tuple[str, str]], vocab: Vocab, *, fewest: int = MIN_COMPARE
) -> CompareState:
    """A comparison's state. `fewest=0` lets the compare page take fewer than MIN_COMPARE
    options (it then shows a picker); exports, the API and permanent links keep the minimum."""
    p = Params(items)
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
