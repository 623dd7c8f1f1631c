from flask import Blueprint

bp = Blueprint("orders", __name__)

from . import routes  # noqa: E402,F401
