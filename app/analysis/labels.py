"""The one table of words and symbols for positions and the reasons for uncertainty, shared by
pages, exports, snapshots and reasons. A veto status carries its own (`VetoStatus.label`)."""

from app.dataset.vocabulary import Position, VetoStatus

POSITION_LABELS: dict[Position, str] = {
    2: "Strongly supports",
    1: "Supports",
    0: "Neutral",
    -1: "Opposes",
    -2: "Strongly opposes",
    None: "Unknown",
}
POSITION_SYMBOLS: dict[Position, str] = {2: "++", 1: "+", 0: "0", -1: "−", -2: "−−", None: "?"}
# Why an option is uncertain (the methodology page gives the model): the kind, then how
# the headline counts options of that kind ("3 await a vote not yet held").
UNCERTAIN_LABELS: dict[str, str] = {
    "vote-not-held": "a vote not yet held",
    "silent": "veto holders with no public stance",
    "open-vote": "an open vote",
    "unsettled": "a vote stances cannot settle",
}
UNCERTAIN_MEANINGS: dict[str, str] = {
    "vote-not-held": "a body that votes by seats has no recorded vote and none of its blocs has "
    "a position, so no vote has been held (“no recorded vote yet”)",
    "silent": "one or more veto holders have no public stance",
    "open-vote": "some blocs have positions, but the known votes neither reach the threshold nor "
    "make it unreachable",
    "unsettled": "the voters are not stakeholders here, or not all of them have positions, so "
    "stances cannot settle the vote",
}


def veto_filter_label(value: str) -> str:
    """The `veto=` filter's choice in words: "Blocked", or "Uncertain: an open vote"."""
    status = VetoStatus.of(value)
    if status:
        return status.label
    return f"{VetoStatus.UNCERTAIN.label}: {UNCERTAIN_LABELS[value.removeprefix('uncertain-')]}"


UNCERTAIN_COUNTED: dict[str, tuple[str, str]] = {  # (one option, several options)
    "vote-not-held": ("awaits a vote not yet held", "await a vote not yet held"),
    "silent": ("waits on silent veto holders", "wait on silent veto holders"),
    "open-vote": ("turns on an open vote", "turn on open votes"),
    "unsettled": ("turns on a vote stances cannot settle", "turn on votes stances cannot settle"),
}
