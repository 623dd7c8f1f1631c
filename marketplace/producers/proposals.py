"""Producers' proposals on their offers, and their orders."""
from flask import render_template, request, url_for
from flask_login import current_user

from ..services import orders
from ..services.proposal_mail import PRODUCER
from ..web.access import producer_required
from ..web.fields import bounded_int
from ..web.proposal_pages import decide, decide_many, readable_proposal, render_list, render_proposal
from . import bp


@bp.get("/proposals")
@producer_required
def my_proposals():
    """List the proposals made on the organisation's offers, those waiting for an answer first."""
    return render_list(PRODUCER, "producers/proposals.html")


@bp.post("/proposals/decide")
@producer_required
def decide_proposals():
    """Accept or decline the ticked proposals at once."""
    return decide_many(PRODUCER, "producers/proposals.html", "producers.my_proposals")


@bp.get("/proposals/<int:proposal_id>")
@producer_required
def proposal(proposal_id):
    """Show one proposal on the organisation's offers, with accept and decline buttons while it waits."""
    item = readable_proposal(proposal_id, PRODUCER)
    return render_proposal(item, PRODUCER, url_for("producers.my_proposals"))


@bp.post("/proposals/<int:proposal_id>/accept")
@producer_required
def accept_proposal(proposal_id):
    """Accept a proposal for the organisation."""
    return decide(proposal_id, PRODUCER, True, "producers.proposal")


@bp.post("/proposals/<int:proposal_id>/decline")
@producer_required
def decline_proposal(proposal_id):
    """Decline a proposal for the organisation."""
    return decide(proposal_id, PRODUCER, False, "producers.proposal")


@bp.get("/orders")
@producer_required
def my_orders():
    """List the organisation's orders, newest first."""
    page = request.args.get("page", 1, type=bounded_int)
    pagination = orders.orders_page(current_user.organisation_id, page, as_buyer=False)
    return render_template("producers/orders.html", pagination=pagination)
