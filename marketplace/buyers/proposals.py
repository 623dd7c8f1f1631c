"""Buyers' proposals and orders, and direct requests of an offer from the catalogue."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain.errors import DomainError
from ..extensions import db
from ..models import Offer
from ..services import orders, proposals
from ..services.proposal_mail import BUYER
from ..web.access import buyer_required
from ..web.fields import bounded_int
from ..web.forms import apply_domain_error
from ..web.proposal_pages import decide, decide_many, readable_proposal, render_list, render_proposal
from . import bp
from .forms import RequestOfferForm


@bp.get("/proposals")
@buyer_required
def my_proposals():
    """List the proposals made for the organisation's demands, those waiting for an answer first."""
    return render_list(BUYER, "buyers/proposals.html")


@bp.post("/proposals/decide")
@buyer_required
def decide_proposals():
    """Accept or decline the ticked proposals at once."""
    return decide_many(BUYER, "buyers/proposals.html", "buyers.my_proposals")


@bp.get("/proposals/<int:proposal_id>")
@buyer_required
def proposal(proposal_id):
    """Show one proposal for the organisation, with accept and decline buttons while it waits."""
    item = readable_proposal(proposal_id, BUYER)
    return render_proposal(item, BUYER, url_for("buyers.demand", demand_id=item.demand_id))


@bp.post("/proposals/<int:proposal_id>/accept")
@buyer_required
def accept_proposal(proposal_id):
    """Accept a proposal for the organisation."""
    return decide(proposal_id, BUYER, True, "buyers.proposal")


@bp.post("/proposals/<int:proposal_id>/decline")
@buyer_required
def decline_proposal(proposal_id):
    """Decline a proposal for the organisation."""
    return decide(proposal_id, BUYER, False, "buyers.proposal")


@bp.get("/orders")
@buyer_required
def my_orders():
    """List the organisation's orders, newest first."""
    page = request.args.get("page", 1, type=bounded_int)
    return render_template("buyers/orders.html", pagination=orders.orders_page(current_user.organisation_id, page, as_buyer=True))


@bp.route("/offers/<int:offer_id>/request", methods=["GET", "POST"])
@buyer_required
def request_offer(offer_id):
    """Ask a producer for units of a listed offer, for one of the organisation's live demands."""
    offer = db.session.get(Offer, offer_id)
    if offer is None or not offer.listed:
        abort(404)
    live, why_none = proposals.requestable_demands(current_user.organisation_id, offer)
    form = RequestOfferForm(live)
    if request.method == "GET" and request.args.get("demand", type=bounded_int) in {d.id for d in live}:
        form.demand_id.data = request.args.get("demand", type=bounded_int)
    if form.validate_on_submit():
        try:
            item = proposals.request_offer(current_user, offer.id, form.demand_id.data, form.quantity.data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            flash(_("Your request is sent to the producer, and the units are reserved until it answers."), "success")
            return redirect(url_for("buyers.proposal", proposal_id=item.id))
    return render_template("buyers/request_offer.html", form=form, offer=offer, live=live, why_none=why_none)
