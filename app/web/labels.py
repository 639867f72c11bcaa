"""Human labels for query parameters, used by filter chips and empty-state hints."""

from app.analysis.index import Index

STANCE_WORDS = {
    "support": "supports",
    "oppose": "opposes",
    "not-oppose": "does not oppose",
    "unknown": "stance unknown",
}


def describe_pair(index: Index, name: str, value: str) -> str:
    if name == "q":
        return f"Text: “{value}”"
    if name in ("category", "status"):
        return f"{name.capitalize()}: {value.replace(',', ', ').replace('-', ' ')}"
    if name.startswith("attr."):
        attr = index.attributes.get(name[5:])
        title = attr.title if attr else name[5:]
        word = {"true": "yes", "false": "no"}.get(value, value)
        return f"{title}: {word}"
    if name.startswith("min."):
        crit = index.criteria.get(name[4:])
        return f"{crit.title if crit else name[4:]} ≥ {value}"
    if name == "max_hurdle":
        return f"Legal hurdles ≤ severity {value}"
    if name.startswith("stance."):
        who = index.stakeholders.get(name[7:])
        return f"{who.name if who else name[7:]} {STANCE_WORDS.get(value, value)}"
    if name == "veto":
        return f"Veto status: {value}"
    if name == "assume":
        return f"Hypothesis: {value}"
    return f"{name}: {value}"
