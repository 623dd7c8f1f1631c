"""The refund statement (état récapitulatif) of a local authority: pages, PDF and CSV."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain.errors import DomainError, ErrorCode
from ..models import BeneficiaryShare, ExternalFunding, ExternalOrder
from ..services import refunds
from ..web.access import local_authority_required
from ..web.forms import ConfirmForm, apply_domain_error, domain_message
from . import bp
from .forms import ExternalOrderForm, FundingForm, LocalProductionForm, ShareForm
from .pages import render_statement, statement_csv_response, statement_pdf_response

REMOVABLE = {"external": ExternalOrder, "funding": ExternalFunding, "share": BeneficiaryShare}


def _claimant_file():
    if not refunds.can_claim(current_user.organisation):
        abort(404)
    return refunds.refund_file(current_user.organisation)


def _line_choices(refund_file):
    """Offer the eligible orders, by code, for a funding or a share."""
    return [(line.entry.key, f"{line.code} – {line.entry.supplier} – {line.entry.number}")
            for line in refund_file.statement.lines]


@bp.get("/orders/refund")
@local_authority_required
def statement():
    """Show the statement: eligible orders by code, refunds, fundings, shares and what is missing."""
    return render_statement(_claimant_file(), url_for("refunds.statement_as_pdf"), url_for("refunds.statement_as_csv"),
                            editable=True)


def _add(form, template, save, title, added=lambda record: (_("Added to your statement."), "success")):
    if form.validate_on_submit():
        try:
            record = save(form)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            flash(*added(record))
            return redirect(url_for("refunds.statement"))
    return render_template(template, form=form, title=title)


def _order_added(external):
    """Say so when an added order is dated outside the window: it is listed but does not count."""
    if refunds.counts_for_refund(external):
        return _("Added to your statement."), "success"
    return _("Added to your statement, but outside the eligible period: it does not count for the refund."), "warning"


@bp.route("/orders/refund/orders/new", methods=["GET", "POST"])
@local_authority_required
def new_external_order():
    """Add an order made outside the marketplace."""
    _claimant_file()
    return _add(ExternalOrderForm(), "refunds/refund_form.html",
                lambda f: refunds.add_external_order(current_user, f.order_data()), _("An order made outside the marketplace"),
                _order_added)


@bp.route("/orders/refund/made-locally/new", methods=["GET", "POST"])
@local_authority_required
def new_local_production():
    """Add masks made locally from bought materials and sewing services."""
    _claimant_file()
    return _add(LocalProductionForm(), "refunds/refund_form.html",
                lambda f: refunds.add_external_order(current_user, f.order_data()), _("Masks made locally"), _order_added)


@bp.route("/orders/refund/funding/new", methods=["GET", "POST"])
@local_authority_required
def new_funding():
    """Record external funding received for one order."""
    form = FundingForm()
    form.set_lines(_line_choices(_claimant_file()))
    return _add(form, "refunds/refund_form.html",
                lambda f: refunds.add_funding(current_user, f.funding_data()), _("External funding received"))


@bp.route("/orders/refund/shares/new", methods=["GET", "POST"])
@local_authority_required
def new_share():
    """Record what a body an order was made for paid of it."""
    form = ShareForm()
    form.set_lines(_line_choices(_claimant_file()))
    return _add(form, "refunds/refund_form.html",
                lambda f: refunds.add_share(current_user, f.share_data()), _("A share of a purchase made for others"))


@bp.post("/orders/refund/<any(external, funding, share):what>/<int:record_id>/remove")
@local_authority_required
def remove(what, record_id):
    """Remove an entry the body added to its statement."""
    _claimant_file()
    if ConfirmForm().validate_on_submit():
        try:
            refunds.remove(current_user, REMOVABLE[what], record_id)
        except DomainError as error:
            if error.code == ErrorCode.NOT_FOUND:
                abort(404)  # another body's entry: ids are not revealed
            flash(domain_message(error), "danger")
        else:
            flash(_("Removed from your statement."), "success")
    return redirect(url_for("refunds.statement"))


@bp.get("/orders/refund/statement.pdf")
@local_authority_required
def statement_as_pdf():
    """Download the statement laid out like the official model, to sign."""
    return statement_pdf_response(_claimant_file())


@bp.get("/orders/refund/statement.csv")
@local_authority_required
def statement_as_csv():
    """Download the statement's lines and totals as CSV."""
    return statement_csv_response(_claimant_file())
