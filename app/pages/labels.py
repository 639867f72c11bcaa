"""Human labels for query parameters, used by filter chips and empty-state hints. Each filter's
chip wording lives in its registry entry (app.state.FILTERS); this supplies the names."""

from dataclasses import dataclass

from app.analysis.index import Index
from app.state import filter_for


@dataclass(frozen=True)
class _Names:
    index: Index

    def attribute(self, slug: str) -> str:
        a = self.index.attributes.get(slug)
        return a.title if a else slug

    def criterion(self, slug: str) -> str:
        c = self.index.criteria.get(slug)
        return c.title if c else slug

    def score_bound(self, slug: str, level: int) -> str:
        """ "at most 2 (Moderate)" where lower is better, else "at least 4 (Likely)"."""
        c = self.index.criteria.get(slug)
        if c is None:
            return f"≥ {level}"
        word = f" ({c.scale[level]})" if level in c.scale else ""
        bound = "at most" if c.direction == "lower-is-better" else "at least"
        return f"{bound} {level}{word}"

    def stakeholder(self, slug: str) -> str:
        s = self.index.stakeholders.get(slug)
        return s.name if s else slug


def describe_pair(index: Index, name: str, value: str) -> str:
    f = filter_for(name)
    if f is not None:
        return f.chip(name, value, _Names(index))
    if name == "assume":
        return f"Hypothesis: {value}"
    return f"{name}: {value}"
