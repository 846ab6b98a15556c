"""Domain errors: services raise these; one handler maps them to HTTP responses."""

from typing import Any


class DomainError(Exception):
    """A rule of the domain was broken. ``message`` is a msgid, translated when shown."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.params = params


class NotFound(DomainError):
    status_code = 404


class Forbidden(DomainError):
    status_code = 403


class Conflict(DomainError):
    status_code = 409


class Invalid(DomainError):
    status_code = 422


class TooManyAttempts(DomainError):
    status_code = 429


class FormErrors(Invalid):
    """Several field errors at once: {field: msgid-or-lazy-message}."""

    def __init__(self, errors: dict[str, Any]) -> None:
        super().__init__("Please correct the marked fields.")
        self.errors = errors
