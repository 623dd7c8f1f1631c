from flask import Blueprint

bp = Blueprint("buyers", __name__)

from . import proposals, routes  # noqa: E402,F401
