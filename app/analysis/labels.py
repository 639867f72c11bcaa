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
VETO_LABELS = {"clear": "Clear", "uncertain": "Uncertain", "blocked": "Blocked"}
VETO_SYMBOLS = {"clear": "✓", "uncertain": "?", "blocked": "✕"}
