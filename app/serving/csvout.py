"""CSV exports: RFC 4180 (CRLF, quoting by the csv module), UTF-8, served as an attachment."""

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from fastapi.responses import Response

CSV_MEDIA_TYPE = "text/csv"
# For `responses=` on CSV routes, so the OpenAPI spec names the media type and body.
CSV_CONTENT: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "RFC 4180 CSV with a header row, UTF-8",
        "content": {CSV_MEDIA_TYPE: {"schema": {"type": "string"}}},
    }
}


# A spreadsheet runs a cell that starts like this as a formula (OWASP: CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class CSVResponse(Response):
    # Starlette appends "; charset=utf-8" to text/* media types.
    media_type = CSV_MEDIA_TYPE


def cell(value: object) -> str:
    """One value as CSV text: empty for None, lowercase booleans like the query parameters.
    Text that a spreadsheet would run as a formula gets a leading ' (numbers stay numbers)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return str(value)


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([cell(h) for h in header])
    writer.writerows([cell(v) for v in row] for row in rows)
    return buf.getvalue()


def csv_response(header: Sequence[str], rows: Iterable[Sequence[object]], name: str) -> Response:
    """Rows -> a downloadable CSV file called `name`.csv."""
    return CSVResponse(
        csv_text(header, rows).encode(),
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )
