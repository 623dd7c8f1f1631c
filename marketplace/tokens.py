"""Signed, expiring tokens for links sent by email."""
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from .domain.errors import DomainError, ErrorCode, N_


def _serializer(purpose):
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"marketplace-{purpose}")


def make_token(purpose, payload):
    """Sign payload for one purpose (email confirmation, password reset, invitation)."""
    return _serializer(purpose).dumps(payload)


def read_token(purpose, token, max_age):
    """Return the payload of a valid token, or raise a DomainError saying why it is not."""
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise DomainError(N_("This link has expired. Please ask for a new one."), ErrorCode.EXPIRED)
    except BadSignature:
        raise DomainError(N_("This link is not valid."), ErrorCode.INVALID)
