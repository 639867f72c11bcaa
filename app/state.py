"""The one query-string parser: query string <-> typed, frozen state, for HTML and API alike.

Canonical form: parameters in a fixed order, defaults left out, lists sorted where order carries
no meaning. Equal states therefore serialise to equal URLs."""

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Literal
from urllib.parse import urlencode

from app.dataset.schema import VetoStatus

StanceFilter = Literal["support", "oppose", "not-oppose", "unknown"]
STANCE_FILTERS: tuple[str, ...] = ("support", "oppose", "not-oppose", "unknown")
VETO_STATUSES: tuple[str, ...] = tuple(s.value for s in VetoStatus)
LIFTED = "lifted"  # assume=<condition>:lifted switches a condition off
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


def suggest(word: str, choices: Iterable[str], n: int = 3) -> list[str]:
    return difflib.get_close_matches(word, list(choices), n=n, cutoff=0.5)


Assume = tuple[tuple[str, str], ...]


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
    assume: Assume = ()
    at: dt.date | None = None
    x: str | None = None  # the overview chart's criteria, when not the default ones
    y: str | None = None

    def pairs(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        if self.q:
            out.append(("q", self.q))
        out += [("category", c) for c in self.category]
        out += [("status", s) for s in self.status]
        out += [(f"attr.{k}", v) for k, v in self.attrs]
        out += [(f"min.{k}", str(v)) for k, v in self.mins]
        if self.max_hurdle is not None:
            out.append(("max_hurdle", str(self.max_hurdle)))
        out += [(f"stance.{k}", v) for k, v in self.stances]
        if self.veto:
            out.append(("veto", self.veto))
        if self.sort:
            out.append(("sort", self.sort))
        out += [(k, v) for k, v in (("x", self.x), ("y", self.y)) if v]
        if self.o:
            out.append(("o", ",".join(self.o)))
        if self.assume:
            out.append(("assume", ",".join(f"{k}:{v}" for k, v in self.assume)))
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
        return bool(
            self.q
            or self.category
            or self.status
            or self.attrs
            or self.mins
            or self.max_hurdle is not None
            or self.stances
            or self.veto
        )

    def cleared(self) -> "ExploreState":
        """The same view with every filter removed (sort, selection and hypotheses stay)."""
        return ExploreState(
            sort=self.sort, o=self.o, assume=self.assume, at=self.at, x=self.x, y=self.y
        )


@dataclass(frozen=True)
class CompareState:
    o: tuple[str, ...]
    w: tuple[tuple[str, int], ...] = ()  # only weights that differ from the default
    assume: Assume = ()
    at: dt.date | None = None
    defaults: Mapping[str, int] = field(default_factory=dict, compare=False, hash=False)

    def pairs(self) -> list[tuple[str, str]]:
        out = [("o", ",".join(self.o))]
        if self.w:
            out.append(("w", ",".join(f"{k}:{v}" for k, v in self.w)))
        if self.assume:
            out.append(("assume", ",".join(f"{k}:{v}" for k, v in self.assume)))
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
        if s not in allowed:
            _choice("o", s, vocab.options, "option")
        (dupes if s in seen else seen).add(s)
    if dupes:
        raise BadParam("o", f"lists {', '.join(sorted(dupes))} more than once")
    return slugs


def _assume(raw: str | None, vocab: Vocab) -> Assume:
    if raw is None:
        return ()
    out: dict[str, str] = {}
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
        else:
            _choice("assume", who, vocab.stakeholders, "stakeholder")
            _choice("assume", pos, POSITIONS, "position")
        if who in out:
            raise BadParam("assume", f"gives {who} more than once")
        out[who] = pos
    return tuple(sorted(out.items()))


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
        {"q", "category", "status", "max_hurdle", "veto", "sort", "o", "assume", "at", "x", "y"},
        ("attr.", "min.", "stance."),
    )
    q = p.one("q") or ""
    if len(q) > MAX_Q:
        raise BadParam("q", f"is longer than {MAX_Q} characters")
    attrs = p.prefixed("attr.")
    _unique_keys("attr.", attrs)
    for k, v in attrs:
        _choice("attr." + k, k, vocab.attributes, "attribute")
        _choice("attr." + k, v, vocab.attributes[k])
    mins = [(k, _int("min." + k, v, 1, 5)) for k, v in p.prefixed("min.")]
    _unique_keys("min.", [(k, "") for k, _ in mins])
    for k, _ in mins:
        _choice("min." + k, k, vocab.criteria, "criterion")
    stances = p.prefixed("stance.")
    _unique_keys("stance.", stances)
    for k, v in stances:
        _choice("stance." + k, k, vocab.stakeholders, "stakeholder")
        _choice("stance." + k, v, STANCE_FILTERS)
    max_hurdle = p.one("max_hurdle")
    veto = p.one("veto")
    sort = p.one("sort")
    x, y = _axes(p, vocab)
    return ExploreState(
        q=q,
        category=tuple(
            sorted({_choice("category", c, vocab.categories) for c in p.all("category")})
        ),
        status=tuple(sorted({_choice("status", s, vocab.statuses) for s in p.all("status")})),
        attrs=tuple(sorted(attrs)),
        mins=tuple(sorted(mins)),
        max_hurdle=_int("max_hurdle", max_hurdle, 1, 5) if max_hurdle else None,
        stances=tuple(sorted(stances)),
        veto=_choice("veto", veto, VETO_STATUSES) if veto else None,
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


def parse_compare(items: Iterable[tuple[str, str]], vocab: Vocab) -> CompareState:
    p = _Params(items)
    p.check_known({"o", "w", "assume", "at"}, ("w.",))
    o = _options(",".join(p.all("o")) or None, vocab)
    # `w.<criterion>=<0..5>` (one form control per criterion) is another spelling of `w`.
    weights = p.all("w") + [f"{k}:{v}" for k, v in p.prefixed("w.")]
    if not MIN_COMPARE <= len(o) <= MAX_COMPARE:
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
