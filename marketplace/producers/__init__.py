from flask import Blueprint

bp = Blueprint("producers", __name__)

from . import formatting, proposals, routes  # noqa: E402,F401
