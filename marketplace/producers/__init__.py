from flask import Blueprint

bp = Blueprint("producers", __name__)

from . import formatting, routes  # noqa: E402,F401
