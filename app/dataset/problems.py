"""A problem found in a dataset, with the field path and line it is at, and the error that names
every problem of a file at once."""

from dataclasses import dataclass

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    path: Loc
    message: str
    line: int | None = None

    def field(self) -> str:
        out = ""
        for part in self.path:
            out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
        return out or "(file)"

    def format(self, filename: str) -> str:
        where = f"{filename}:{self.line}" if self.line else filename
        return f"{where} {self.field()}: {self.message}"


class DatasetInvalid(Exception):
    def __init__(self, filename: str, problems: list[Problem]) -> None:
        self.filename = filename
        self.problems = problems
        super().__init__(self.report())

    def report(self) -> str:
        return "\n".join(p.format(self.filename) for p in self.problems)
