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
    "uncertain": "a veto holder's stance is unknown, or a vote is open",
    "blocked": "a veto holder opposes, or known opposition defeats a vote",
    "barred": "law stops it while a condition holds, whatever anyone's stance",
}
