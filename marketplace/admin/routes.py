"""Administrators' pages, each scoped to the regions the administrator holds."""
from flask import abort, render_template, request
from flask_login import current_user

from ..domain.access import administered_region_codes
from ..domain.geography import regions
from ..services import administration
from ..web.access import admin_required, ensure_region
from ..web.fields import bounded_int
from . import bp


@bp.get("/")
@admin_required
def dashboard():
    """Show the regions the administrator looks after."""
    codes = administered_region_codes(current_user)
    return render_template("admin/dashboard.html", summaries=administration.region_summaries(codes))


@bp.get("/regions/<code>")
@admin_required
def region(code):
    """List the organisations of one region."""
    if code not in regions():
        abort(404)
    ensure_region(code)
    page = request.args.get("page", 1, type=bounded_int)
    return render_template(
        "admin/region.html", region=regions()[code], pagination=administration.organisations_page(code, page)
    )


@bp.get("/audit")
@admin_required
def audit_log():
    """Show the decisions taken in the administrator's regions, newest first."""
    page = request.args.get("page", 1, type=bounded_int)
    pagination = administration.audit_page(administered_region_codes(current_user), page)
    return render_template("admin/audit.html", pagination=pagination)
