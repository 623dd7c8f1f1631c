"""Rate limits of the forms that check a password or send mail, counted before the work is done.

Flask-Limiter's hit is one atomic increment (INCRBY in Redis) before the view runs, so requests sent
at the same moment are counted one by one: the sixth of thirty simultaneous attempts is already 429.
"""
import logging

from flask import current_app, request
from flask_login import current_user

from ..extensions import limiter

log = logging.getLogger(__name__)


def _setting(name):
    return lambda: current_app.config[name]


def _submitted_email():
    email = (request.form.get("email") or "").strip().lower()
    return f"email:{email}" if email else ""  # empty: Flask-Limiter skips this limit (the form is refused anyway)


def _user_or_address():
    return f"user:{current_user.id}" if current_user.is_authenticated else request.remote_addr


def per_address(setting):
    """Limit a form's POSTs per client address to the rate in config[setting]."""
    return limiter.limit(_setting(setting), methods=["POST"])


def per_submitted_email(setting):
    """Limit a form's POSTs per email address typed in it (an account, a recipient) to config[setting]."""
    return limiter.limit(_setting(setting), methods=["POST"], key_func=_submitted_email)


def per_user(setting):
    """Limit a form's POSTs per logged-in user to config[setting]."""
    return limiter.limit(_setting(setting), methods=["POST"], key_func=_user_or_address)


def forgive_this_request():
    """Take back what this request counted: a successful login is not an attempt to guess."""
    strategy = limiter.limiter
    for counted in limiter.current_limits:
        try:
            strategy.storage.incr(counted.key, counted.limit.get_expiry(), amount=-1)
        except Exception:  # the storage went away since the check: the success stays counted, no harm
            log.warning("could not take back a rate-limit hit on %s", counted.key, exc_info=True)
