"""The words of the domain every layer shares: a stance's position, a veto status with its
label, symbol, meaning, colour and order, why a verdict is uncertain, and the range rule of a
score. Pure."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

POSITIONS = (-2, -1, 0, 1, 2)
# The one Position type inside the app: -2..2, or None when unknown. The file and the JSON
# API write unknown as the word "unknown"; `Stance.pos` and `position_json` convert at those
# edges only.
Position = int | None
JsonPosition = int | Literal["unknown"]


def position_json(pos: Position) -> JsonPosition:
    return "unknown" if pos is None else pos


class VetoStatus(StrEnum):
    """Ordered from best to worst; `barred` (law) outranks `blocked` (politics)."""

    # The one home of each status's words, symbol and colour (the OpenAPI schema shows the
    # docstring above): pages, charts, exports and filters read them here.

    CLEAR = "clear"
    UNCERTAIN = "uncertain"
    BLOCKED = "blocked"
    BARRED = "barred"

    @property
    def order(self) -> int:
        return list(VetoStatus).index(self)

    @property
    def label(self) -> str:
        return _VETO_LOOKS[self].label

    @property
    def symbol(self) -> str:
        return _VETO_LOOKS[self].symbol

    @property
    def meaning(self) -> str:
        return _VETO_LOOKS[self].meaning

    @property
    def colour(self) -> str:
        return _VETO_LOOKS[self].colour

    @classmethod
    def of(cls, value: str) -> "VetoStatus | None":
        """The status spelled `value`, or None (a snapshot may hold a word this code lacks)."""
        try:
            return cls(value)
        except ValueError:
            return None


@dataclass(frozen=True)
class _Look:
    label: str
    # Each status has its own shape, so it reads without colour: tick, question mark, cross, bar.
    symbol: str
    meaning: str
    # Dark enough for text on white (contrast 4.5:1 or more), distinct in hue as a second cue.
    colour: str


_VETO_LOOKS: dict[str, _Look] = {
    "clear": _Look("Clear", "✓", "no veto holder on the path opposes or is unknown", "#1a7f37"),
    "uncertain": _Look(
        "Uncertain",
        "?",
        "a veto holder's stance is unknown, or a vote is open or not yet held",
        "#8a5a00",
    ),
    "blocked": _Look(
        "Blocked", "✕", "a veto holder opposes, or known opposition defeats a vote", "#c4232d"
    ),
    "barred": _Look(
        "Barred", "⊘", "law stops it while a condition holds, whatever anyone's stance", "#6639ba"
    ),
}


# Why a verdict is uncertain: a seat vote with no recorded vote or bloc position, veto holders
# with no public stance, a seat vote with some positions but short of a result, or a vote that
# stakeholder stances cannot settle (voters who are not stakeholders here).
UncertainKind = Literal["vote-not-held", "silent", "open-vote", "unsettled"]
UNCERTAIN_KINDS: tuple[UncertainKind, ...] = ("vote-not-held", "silent", "open-vote", "unsettled")


def score_range(score: int, low: int | None, high: int | None) -> tuple[int, int]:
    """The one range rule: a score's plausible low..high; an end not given is the score."""
    return (score if low is None else low, score if high is None else high)
