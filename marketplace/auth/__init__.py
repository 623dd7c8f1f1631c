from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import preferences, routes  # noqa: E402,F401
