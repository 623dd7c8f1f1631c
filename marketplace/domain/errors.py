"""The error every service raises when a rule of the trade refuses an action."""
from contextlib import contextmanager
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


class DomainErrors(DomainError):
    """Several refusals found in one go; `errors` lists each, the first one standing for them all."""

    def __init__(self, errors):
        first = errors[0]
        super().__init__(first.message, first.code, first.field, **first.params)
        self.errors = list(errors)


def each_error(error):
    """Return the single refusals an error holds: itself, or each of several."""
    return getattr(error, "errors", [error])


class Refusals:
    """Gather the refusals of independent checks, to report them all at once."""

    def __init__(self):
        self.errors = []

    @contextmanager
    def check(self):
        """Run the block, keeping its refusal instead of stopping."""
        try:
            yield
        except DomainError as error:
            self.errors.extend(each_error(error))

    def raise_any(self):
        """Raise what was gathered: nothing, the one refusal, or all of them."""
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise DomainErrors(self.errors)


def has_inputs(data, *names):
    """Tell whether data holds every input a rule needs (a field typed wrong is left out)."""
    return all(name in data for name in names)
