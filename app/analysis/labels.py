"""The one table of words and symbols for positions and veto statuses, shared by pages,
exports, snapshots and reasons."""

from app.dataset.schema import Position, VetoStatus

POSITION_LABELS: dict[Position, str] = {
    2: "Strongly supports",
    1: "Supports",
    0: "Neutral",
    -1: "Opposes",
    -2: "Strongly opposes",
    None: "Unknown",
}
POSITION_SYMBOLS: dict[Position, str] = {2: "++", 1: "+", 0: "0", -1: "−", -2: "−−", None: "?"}
VETO_LABELS: dict[str, str] = {
    VetoStatus.CLEAR: "Clear",
    VetoStatus.UNCERTAIN: "Uncertain",
    VetoStatus.BLOCKED: "Blocked",
    VetoStatus.BARRED: "Barred",
}
# Each status has its own shape, so it reads without colour: tick, question mark, cross, bar.
VETO_SYMBOLS = {"clear": "✓", "uncertain": "?", "blocked": "✕", "barred": "⊘"}
VETO_MEANINGS = {
    "clear": "no veto holder on the path opposes or is unknown",
    "uncertain": "a veto holder's stance is unknown, or a vote is open or not yet held",
    "blocked": "a veto holder opposes, or known opposition defeats a vote",
    "barred": "law stops it while a condition holds, whatever anyone's stance",
}
# Why an option is uncertain (DESIGN.md, "Decision model, third round"): the kind, then how
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
# The `veto=` filter's choices: each status, then uncertain narrowed to one reason.
VETO_FILTER_LABELS: dict[str, str] = {
    **VETO_LABELS,
    **{f"uncertain-{k}": f"Uncertain: {v}" for k, v in UNCERTAIN_LABELS.items()},
}
UNCERTAIN_COUNTED: dict[str, tuple[str, str]] = {  # (one option, several options)
    "vote-not-held": ("awaits a vote not yet held", "await a vote not yet held"),
    "silent": ("waits on silent veto holders", "wait on silent veto holders"),
    "open-vote": ("turns on an open vote", "turn on open votes"),
    "unsettled": ("turns on a vote stances cannot settle", "turn on votes stances cannot settle"),
}
