"""Domain errors: every refusal names the field or the rule, and maps to an HTTP status."""

from __future__ import annotations


class DomainError(Exception):
    status_code = 400
    title = "Bad request"
    # Extra members of the problem-details body, e.g. the per-row errors of a rejected import.
    body: dict[str, object] = {}

    def __init__(self, detail: str, *, field: str | None = None, rule: str | None = None, **params: object):
        """`detail` is an English message template (the msgid pages translate); `params` fill it."""
        self.template = detail
        self.params = params
        self.detail = detail.format(**params) if params else detail
        self.field = field
        self.rule = rule
        super().__init__(self.detail)

    def translated(self, gettext) -> str:
        """The message in the reader's language, falling back to English."""
        template = gettext(self.template)
        return template.format(**self.params) if self.params else template


class Invalid(DomainError):
    status_code = 422
    title = "Invalid input"


class NotFound(DomainError):
    status_code = 404
    title = "Not found"


class Forbidden(DomainError):
    status_code = 403
    title = "Forbidden"


class Conflict(DomainError):
    status_code = 409
    title = "Conflict"


class TooLarge(DomainError):
    status_code = 413
    title = "Content too large"


class TooMany(DomainError):
    status_code = 429
    title = "Too many requests"
