from flask import Blueprint

bp = Blueprint("orders", __name__)

from . import formatting, refund_routes, routes  # noqa: E402,F401
