from flask import Blueprint

bp = Blueprint("admin", __name__)

from . import mail, matching, moderation, routes  # noqa: E402,F401
