"""What every query parser shares: the error that names a parameter, the dataset's vocabulary
(which slugs and values a query may use), reading a multi-dict once, and the checks of one
value (a choice, a bounded integer, a list)."""

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from app.dataset.schema import Criterion, Dataset

OPTION_STATUSES = ("proposed", "under-negotiation", "in-force", "lapsed", "rejected")
MAX_PARAMS = 200
MAX_VALUE = 4_000  # characters in one parameter (name and value)
MAX_LIST = 100  # items in one comma-separated list (o, w, assume)


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
        publishers=tuple(
            sorted({s.publisher for s in ds.sources}, key=lambda p: (p.casefold(), p))
        ),
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


class Params:
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


def choice(param: str, value: str, allowed: Iterable[str], what: str = "value") -> str:
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


def bounded_int(param: str, value: str, lo: int, hi: int) -> int:
    number = strict_int(value)
    if number is None or not lo <= number <= hi:
        raise BadParam(
            param,
            f"must be a whole number from {lo} to {hi}, not {value!r}",
            [str(i) for i in range(lo, hi + 1)],
        )
    return number


def unique_keys(param: str, pairs: list[tuple[str, str]]) -> None:
    seen: set[str] = set()
    for k, _ in pairs:
        if k in seen:
            raise BadParam(f"{param}{k}", "may be given only once")
        seen.add(k)


def split_list(param: str, raw: str) -> list[str]:
    """A comma-separated list, refused before splitting when it is longer than any valid one."""
    if raw.count(",") >= MAX_LIST:
        raise BadParam(param, f"lists more than {MAX_LIST} items")
    return raw.split(",")


DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def date_value(param: str, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        # fromisoformat alone would also take forms like 20240101; the API promises YYYY-MM-DD.
        if not DATE_RE.match(value):
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadParam(param, f"must be a date written YYYY-MM-DD, not {value!r}") from None
