"""The error every service raises when a rule of the trade refuses an action."""
from enum import StrEnum


def N_(message):
    """Mark a message for translation; the web layer translates it when it is shown."""
    return message


class ErrorCode(StrEnum):
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    CONFLICT = "conflict"
    EXPIRED = "expired"


class DomainError(Exception):
    """A refused action: a code for the API, an untranslated message and its parameters."""

    def __init__(self, message, code=ErrorCode.INVALID, field=None, **params):
        super().__init__(message % params if params else message)
        self.message = message
        self.code = code
        self.field = field
        self.params = params
