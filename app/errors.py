"""Application errors. Routes raise these; one handler answers them as HTML or JSON."""

from collections.abc import Sequence


class AppError(Exception):
    status: int = 400
    code: str = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        allowed: Sequence[str] = (),
        suggestions: Sequence[tuple[str, str]] = (),
        back: tuple[str, str] | None = None,
        keys: Sequence[str] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.allowed = tuple(allowed)
        self.suggestions = tuple(suggestions)  # (label, href)
        # The suggested things' slugs, which a JSON answer lists; without them, the labels.
        self.keys = tuple(keys)
        self.back = back  # (label, href): a way forward from the error page


def no_such(what: str, key: str) -> str:
    """How a page and its API twin both say a thing is missing: "There is no option called
    “nato”." One wording, so a reader and a script see the same answer."""
    return f"There is no {what} “{key}”."


class BadRequest(AppError):
    status = 400
    code = "bad_request"


class NotFound(AppError):
    status = 404
    code = "not_found"


class Busy(AppError):
    status = 503
    code = "busy"
    retry_after = 5  # seconds, sent as Retry-After


class NoDataset(AppError):
    status = 503
    code = "no_dataset"


class Unauthorized(AppError):
    """No valid session or token: sign in (pages) or send `Authorization: Bearer` (API)."""

    status = 401
    code = "unauthorized"


class Forbidden(AppError):
    status = 403
    code = "forbidden"


class Conflict(AppError):
    status = 409
    code = "conflict"


class Unprocessable(AppError):
    """Well-formed, but what it asks for would break a rule (a proposal failing the checks).
    `problems` are (field path, message) pairs, each placed beside its field in a form."""

    status = 422
    code = "invalid"

    def __init__(self, message: str, problems: Sequence[tuple[str, str]] = ()) -> None:
        super().__init__(message, field=problems[0][0] if problems else None)
        self.problems = tuple(problems)


class TooManyRequests(AppError):
    status = 429
    code = "rate_limited"
    retry_after = 60
