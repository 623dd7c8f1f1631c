"""What the buyers', producers' and administrators' proposal pages share: forms and the decision views."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.routing import BuildError
from wtforms import StringField
from wtforms.validators import Length, Optional

from .domain.errors import DomainError, ErrorCode
from .services import proposals
from .web import domain_message


class DecisionForm(FlaskForm):
    """Accept: a button and its CSRF token."""


class DeclineForm(FlaskForm):
    reason = StringField(_l("Reason (optional, shown to the other side)"), validators=[Optional(), Length(max=500)])


def order_link(order_id):
    """Link to an order's page once the orders pages exist, else None."""
    try:
        return url_for("orders.show", order_id=order_id)
    except BuildError:
        return None


def readable_proposal(proposal_id, side=None):
    """Return a proposal the current user may read (as side, when given); 404 otherwise."""
    proposal = proposals.get_proposal(proposal_id)
    if proposal is None:
        abort(404)
    if side is None:
        if not proposals.can_read(current_user, proposal):
            abort(404)
    elif proposals.side_of(current_user, proposal) != side:
        abort(404)
    return proposal


def render_proposal(proposal, side, back):
    """Show a proposal, with the answer forms when side still has to answer."""
    mine = getattr(proposal, f"{side}_decision", None) if side else None
    can_answer = side is not None and proposal.is_pending and mine is None
    return render_template(
        "proposals/proposal.html", proposal=proposal, side=side, can_answer=can_answer, back=back,
        accept_form=DecisionForm(), decline_form=DeclineForm(), order_url=order_link(proposal.order.id) if proposal.order else None,
    )


def decide(proposal_id, side, accept, endpoint):
    """Accept or decline a proposal for side, flash the outcome and go back to its page."""
    readable_proposal(proposal_id, side)
    form = DecisionForm() if accept else DeclineForm()
    if form.validate_on_submit():
        try:
            if accept:
                proposal = proposals.accept_proposal(current_user, proposal_id)
            else:
                proposal = proposals.decline_proposal(current_user, proposal_id, form.reason.data)
        except DomainError as error:
            if error.code == ErrorCode.NOT_FOUND:
                abort(404)
            flash(domain_message(error), "danger")
        else:
            flash(_success(proposal, accept), "success")
    return redirect(url_for(endpoint, proposal_id=proposal_id))


def _success(proposal, accept):
    if not accept:
        return _("The proposal is declined; its units are released.")
    if proposal.order is not None:
        return _("Both sides accepted: order %(number)s is created.", number=proposal.order.number)
    return _("You accepted the proposal; the other side has to accept it too.")
