"""Administrators: the local authorities' refund statements of their regions, read-only."""
from flask import abort, render_template, request, url_for
from flask_login import current_user

from ..domain.access import administered_region_codes
from ..services import refunds
from ..web.access import admin_required, ensure_region
from ..web.fields import bounded_int
from . import bp
from .pages import render_statement, statement_csv_response, statement_pdf_response


@bp.get("/admin/refunds")
@admin_required
def region_statements():
    """List the local authorities of the administrator's regions with their statement's totals."""
    page = request.args.get("page", 1, type=bounded_int)
    pagination, files = refunds.refund_files_page(administered_region_codes(current_user), page)
    return render_template("refunds/region.html", pagination=pagination, files=files)


def _file_in_my_region(organisation_id):
    """Return the refund file of a local authority the administrator looks after: 404 if none, 403 elsewhere."""
    organisation = refunds.get_claimant(organisation_id)
    if organisation is None:
        abort(404)
    ensure_region(organisation.region_code)
    return refunds.refund_file(organisation)


@bp.get("/admin/refunds/<int:organisation_id>")
@admin_required
def body_statement(organisation_id):
    """Show a local authority's statement as the body sees it, without its editing controls."""
    return render_statement(
        _file_in_my_region(organisation_id),
        url_for("refunds.body_statement_pdf", organisation_id=organisation_id),
        url_for("refunds.body_statement_csv", organisation_id=organisation_id),
        editable=False, back=url_for("refunds.region_statements"),
    )


@bp.get("/admin/refunds/<int:organisation_id>/statement.pdf")
@admin_required
def body_statement_pdf(organisation_id):
    """Download a local authority's statement as PDF."""
    return statement_pdf_response(_file_in_my_region(organisation_id))


@bp.get("/admin/refunds/<int:organisation_id>/statement.csv")
@admin_required
def body_statement_csv(organisation_id):
    """Download a local authority's statement as CSV."""
    return statement_csv_response(_file_in_my_region(organisation_id))
