"""What the buyers', producers' and administrators' proposal pages share: forms and the decision views."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import Length, Optional

from ..domain.errors import DomainError, ErrorCode
from ..domain.proposals import Decision, ProposalStatus
from ..services import proposals
from ..services.proposal_mail import BUYER, PRODUCER
from .fields import bounded_int
from .forms import domain_message


class DecisionForm(FlaskForm):
    """Accept: a button and its CSRF token."""


class DeclineForm(FlaskForm):
    reason = StringField(_l("Reason (optional, shown to the other side)"), validators=[Optional(), Length(max=500)])


class BulkDecisionForm(FlaskForm):
    """Accept or decline the ticked proposals of a list page, or all those of the page that await an answer."""

    ids = SelectMultipleField(coerce=bounded_int, validate_choice=False)
    shown = SelectMultipleField(coerce=bounded_int, validate_choice=False)  # hidden: the page's answerable ids
    all_on_page = BooleanField(_l("Select all on this page"))
    reason = StringField(_l("Reason for declining (optional, shown to the other side)"),
                         validators=[Optional(), Length(max=500)])
    accept = SubmitField(_l("Accept the selected proposals"))
    decline = SubmitField(_l("Decline the selected proposals"))

    def chosen_ids(self):
        return self.shown.data if self.all_on_page.data else self.ids.data


def order_link(order_id):
    """Link to an order's page."""
    return url_for("orders.show", order_id=order_id)


_CLOSED_LABELS = {
    ProposalStatus.ACCEPTED: _l("Accepted: order placed"),
    ProposalStatus.DECLINED: _l("Declined"),
    ProposalStatus.EXPIRED: _l("Expired"),
}


def status_label(proposal, side=None):
    """Say where a proposal stands, for the reader answering as side (buyer, producer; None: an administrator).

    A pending proposal says whose answer it waits for: "Waiting for your answer" while the reader's side has not
    answered, "Accepted by you, waiting for the producer" once it has. Every page showing a status uses this.
    """
    if proposal.status != ProposalStatus.PENDING:
        label = _CLOSED_LABELS.get(proposal.status)
        return str(label) if label is not None else proposal.status
    buyer = proposal.buyer_decision == Decision.ACCEPTED
    producer = proposal.producer_decision == Decision.ACCEPTED
    if side == BUYER:
        if not buyer:
            return _("Waiting for your answer")
        if not producer:
            return _("Accepted by you, waiting for the producer")
    elif side == PRODUCER:
        if not producer:
            return _("Waiting for your answer")
        if not buyer:
            return _("Accepted by you, waiting for the buyer")
    elif buyer and not producer:
        return _("Accepted by the buyer, waiting for the producer")
    elif producer and not buyer:
        return _("Accepted by the producer, waiting for the buyer")
    return _("Waiting for answers")


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


def render_list(side, template, form=None):
    """Show a page of the organisation's proposals with the form to answer several at once."""
    awaiting = request.args.get("awaiting") == "1"
    page = request.args.get("page", 1, type=bounded_int)
    pagination = proposals.proposals_page(current_user.organisation_id, side, page, awaiting=awaiting)
    answerable = [p.id for p in pagination.items if proposals.awaits_answer(p, side)]
    return render_template(template, pagination=pagination, side=side, form=form or BulkDecisionForm(),
                           answerable=answerable, awaiting=awaiting)


def decide_many(side, template, list_endpoint):
    """Accept or decline the proposals ticked on a list page; flash a summary, or show the page again."""
    form = BulkDecisionForm()
    if form.validate_on_submit():
        if not (form.accept.data or form.decline.data):
            form.form_errors.append(_("Choose whether to accept or decline the selected proposals."))
        else:
            try:
                outcome = proposals.decide_proposals(current_user, side, form.chosen_ids(), form.accept.data,
                                                     form.reason.data)
            except DomainError as error:
                form.form_errors.append(domain_message(error))
            else:
                flash(bulk_summary(outcome, form.accept.data), "success" if outcome.decided else "warning")
                return redirect(_back_to_list(list_endpoint))
    return render_list(side, template, form)


def bulk_summary(outcome, accept):
    """Say in one sentence what a decision on several proposals did: "12 proposals accepted, 1 already expired."."""
    counts = {name: len(getattr(outcome, name)) for name in ("decided", "orders", "expired", "answered")}
    shown = {name: format_decimal(count) for name, count in counts.items()}
    if accept:
        parts = [ngettext("%(count)s proposal accepted", "%(count)s proposals accepted", counts["decided"],
                          count=shown["decided"])]
        if counts["orders"]:
            parts.append(ngettext("%(count)s order created", "%(count)s orders created", counts["orders"],
                                  count=shown["orders"]))
    else:
        parts = [ngettext("%(count)s proposal declined", "%(count)s proposals declined", counts["decided"],
                          count=shown["decided"])]
    if counts["expired"]:
        parts.append(ngettext("%(count)s already expired", "%(count)s already expired", counts["expired"],
                              count=shown["expired"]))
    if counts["answered"]:
        parts.append(ngettext("%(count)s already answered or closed", "%(count)s already answered or closed",
                              counts["answered"], count=shown["answered"]))
    return ", ".join(parts) + "."


def _back_to_list(list_endpoint):
    if request.args.get("awaiting") == "1":
        return url_for(list_endpoint, awaiting=1)  # the decided ones left the filtered pages: start again
    return url_for(list_endpoint, page=request.args.get("page", 1, type=bounded_int))
