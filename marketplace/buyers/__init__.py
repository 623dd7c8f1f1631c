from flask import Blueprint

bp = Blueprint("buyers", __name__)

from . import routes  # noqa: E402,F401
