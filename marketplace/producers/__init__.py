from flask import Blueprint

bp = Blueprint("producers", __name__)

from . import proposals, routes  # noqa: E402,F401
