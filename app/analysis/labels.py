"""Words and symbols for positions and veto statuses, shared by pages, exports and snapshots."""

POSITION_LABELS: dict[int | None, str] = {
    2: "Strongly supports",
    1: "Supports",
    0: "Neutral",
    -1: "Opposes",
    -2: "Strongly opposes",
    None: "Unknown",
}
POSITION_SYMBOLS: dict[int | None, str] = {2: "++", 1: "+", 0: "0", -1: "−", -2: "−−", None: "?"}
VETO_LABELS = {"clear": "Clear", "uncertain": "Uncertain", "blocked": "Blocked", "barred": "Barred"}
# Each status has its own shape, so it reads without colour: tick, question mark, cross, bar.
VETO_SYMBOLS = {"clear": "✓", "uncertain": "?", "blocked": "✕", "barred": "⊘"}
VETO_MEANINGS = {
    "clear": "no veto holder on the path opposes or is unknown",
    "uncertain": "a veto holder's stance is unknown, or a vote is open",
    "blocked": "a veto holder opposes, or known opposition defeats a vote",
    "barred": "law stops it while a condition holds, whatever anyone's stance",
}
