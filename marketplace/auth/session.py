"""Loading the logged-in user for Flask-Login, from the session or the remember cookie.

The id Flask-Login keeps in both (User.get_id) is "user:session version:issued at": a login made
before the user's last "log out everywhere" or password reset, or older than REMEMBER_COOKIE_DURATION,
loads nobody, whatever cookie the browser still holds.
"""
from flask import current_app

from .. import clock
from ..extensions import db
from ..models import User


def load_user(login_id):
    """Return the user of a login id still valid, or None."""
    try:
        user_id, version, issued = (int(part) for part in login_id.split(":"))
    except ValueError:
        return None
    if clock.utcnow().timestamp() - issued > current_app.config["REMEMBER_COOKIE_DURATION"].total_seconds():
        return None
    user = db.session.get(User, user_id)
    return user if user is not None and user.session_version == version else None
