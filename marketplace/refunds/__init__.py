"""The State's refund to local authorities: a body's statement (état récapitulatif), its additions and
documents, and the administrators' read-only view of their regions' statements."""
from flask import Blueprint

bp = Blueprint("refunds", __name__)

from . import admin_routes, routes  # noqa: E402,F401
