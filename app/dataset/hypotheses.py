"""A reader's "what if" (`assume=`): a stakeholder's assumed position, or a legal condition
switched off. The query parser (app.state) makes them, once; analysis and pages read them."""

from collections.abc import Iterable
from dataclasses import dataclass

from app.dataset.vocabulary import Position

LIFTED = "lifted"  # assume=<condition>:lifted switches a condition off


@dataclass(frozen=True)
class Hypothesis:
    who: str  # a stakeholder's slug, or a condition's when `lifted`
    position: Position = None  # assumed for the stakeholder; None: unknown
    lifted: bool = False

    @property
    def value(self) -> str:
        """As the query spells it: -2..2, "unknown" or "lifted"."""
        if self.lifted:
            return LIFTED
        return "unknown" if self.position is None else str(self.position)


# In canonical order: sorted by slug, one per slug.
Hypotheses = tuple[Hypothesis, ...]


def assumed_positions(hypotheses: Iterable[Hypothesis]) -> dict[str, Position]:
    """Stakeholder -> assumed position (None: unknown); lifted conditions left out."""
    return {h.who: h.position for h in hypotheses if not h.lifted}


def lifted_conditions(hypotheses: Iterable[Hypothesis]) -> frozenset[str]:
    return frozenset(h.who for h in hypotheses if h.lifted)


def with_hypothesis(hypotheses: Hypotheses, h: Hypothesis) -> Hypotheses:
    """The hypotheses with one more (replacing any earlier one for `h.who`), in canonical order."""
    return tuple(sorted({**{x.who: x for x in hypotheses}, h.who: h}.values(), key=lambda x: x.who))
