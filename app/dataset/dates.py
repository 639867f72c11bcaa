"""Partial dates: `2023`, `2024-01` or `2024-01-20`, kept at the precision the source gives.

A partial date sorts by its first day and is shown at its own precision, so a source that
says only "2023" is never shown as "1 January 2023"."""

import datetime as dt
import re
from functools import total_ordering
from typing import Any, Literal

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

Precision = Literal["year", "month", "day"]
_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@total_ordering
class PartialDate:
    __slots__ = ("first_day", "precision", "text")

    def __init__(self, text: str) -> None:
        m = _RE.match(text)
        if not m:
            raise ValueError(f"must be a date written YYYY, YYYY-MM or YYYY-MM-DD, not {text!r}")
        year, month, day = m.groups()
        try:
            self.first_day = dt.date(int(year), int(month or 1), int(day or 1))
        except ValueError:
            raise ValueError(f"{text!r} is not a calendar date") from None
        self.precision: Precision = "day" if day else "month" if month else "year"
        self.text = text

    @classmethod
    def parse(cls, value: Any) -> "PartialDate":
        """Accepts what YAML gives: an int year, a date, or a string."""
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, dt.datetime):
            raise ValueError("must be a date, not a date and time")
        if isinstance(value, dt.date):
            return cls(value.isoformat())
        if isinstance(value, int) and not isinstance(value, bool):
            return cls(f"{value:04d}")
        if isinstance(value, str):
            return cls(value.strip())
        raise ValueError("must be a date written YYYY, YYYY-MM or YYYY-MM-DD")

    @property
    def year(self) -> int:
        return self.first_day.year

    def human(self) -> str:
        d = self.first_day
        if self.precision == "year":
            return str(d.year)
        if self.precision == "month":
            return d.strftime("%B %Y")
        return f"{d.day} {d.strftime('%B %Y')}"

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"PartialDate({self.text!r})"

    def _key(self) -> tuple[dt.date, int]:
        # Equal first days: the vaguer date sorts first, so a precise later record wins ties.
        return (self.first_day, {"year": 0, "month": 1, "day": 2}[self.precision])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PartialDate) and self.text == other.text

    def __hash__(self) -> int:
        return hash(self.text)

    def __lt__(self, other: "PartialDate") -> bool:
        return self._key() < other._key()

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls.parse, serialization=core_schema.plain_serializer_function_ser_schema(str)
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "pattern": _RE.pattern,
            "description": "A date at its precision: YYYY, YYYY-MM or YYYY-MM-DD",
        }


def human(value: object) -> str:
    """Any date the templates meet, at its precision: PartialDate, date, or None."""
    if value is None:
        return ""
    if isinstance(value, PartialDate):
        return value.human()
    if isinstance(value, dt.date):
        return f"{value.day} {value.strftime('%B %Y')}"
    try:
        return PartialDate.parse(value).human()
    except ValueError:
        return str(value)
