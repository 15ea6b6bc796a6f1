"""Instance exceptions. `app/web/errors.py` maps each to an HTTP answer in one place."""

from __future__ import annotations


class TreeholeError(Exception):
    """Base of errors that become a clear 4xx answer."""

    status = 400

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class NotFound(TreeholeError):
    status = 404


class Gone(TreeholeError):
    status = 410


class Invalid(TreeholeError):
    status = 400

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class NotAuthenticated(TreeholeError):
    """An admin page or action without a valid admin session."""

    status = 401


class Forbidden(TreeholeError):
    status = 403


class RateLimited(TreeholeError):
    status = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__("too many requests")
        self.retry_after = retry_after


class PayloadTooLarge(TreeholeError):
    status = 413


# What clients are asked to wait (Retry-After) while the database is not answering.
RETRY_AFTER_UNAVAILABLE_SECONDS = 30


class DatabaseUnavailable(Exception):
    """The database did not answer (unreachable, restarting, its file unavailable or locked):
    nothing the request did is at fault, and the same request may succeed in a moment. Web
    answers are 503 with `Retry-After`; workers wait and try again."""
