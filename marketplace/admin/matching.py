"""Administrators: the matching runs, a "run now" button, and the proposals of their regions (read-only)."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain.access import administered_region_codes
from ..services import proposals
from ..services.matching.requests import start_run_now
from ..services.matching.runs import recent_runs
from ..web.access import admin_required
from ..web.fields import bounded_int
from ..web.proposal_pages import DecisionForm, readable_proposal, render_proposal
from . import bp


@bp.get("/matching")
@admin_required
def matching_runs():
    """List the national matching runs, with what each left unmatched in the administrator's regions."""
    page = request.args.get("page", 1, type=bounded_int)
    return render_template(
        "admin/matching.html", pagination=recent_runs(page), form=DecisionForm(),
        regions=administered_region_codes(current_user),
    )


@bp.post("/matching/run")
@admin_required
def run_matching_now():
    """Queue a matching run now (it runs at once in the embedded default)."""
    if DecisionForm().validate_on_submit():
        if start_run_now(current_user):
            flash(_("A matching run is started; refresh this page to see its figures."), "success")
        else:
            flash(_("The matching run could not be started, or it failed: the list below shows what was "
                    "recorded, and the scheduled run will try again in a few minutes."), "danger")
    return redirect(url_for("admin.matching_runs"))


@bp.get("/proposals")
@admin_required
def region_proposals():
    """List the proposals delivered to the administrator's regions."""
    page = request.args.get("page", 1, type=bounded_int)
    pagination = proposals.region_proposals_page(administered_region_codes(current_user), page)
    return render_template("admin/proposals.html", pagination=pagination)


@bp.get("/proposals/<int:proposal_id>")
@admin_required
def proposal(proposal_id):
    """Show a proposal of the administrator's regions, read-only."""
    return render_proposal(readable_proposal(proposal_id), None, url_for("admin.region_proposals"))
