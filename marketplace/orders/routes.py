"""An order's page, its purchase order as PDF, and the buyer's payment record."""
from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..clock import date_in_france
from ..domain.errors import DomainError
from ..services import orders
from ..web.access import ensure_can_see_order, signed_in
from ..web.forms import apply_domain_error
from . import bp
from .forms import PaymentForm
from .pdf import purchase_order_pdf


def _visible_order(order_id):
    order = orders.get_order(order_id)
    ensure_can_see_order(order)
    return order


def _is_buyer(order):
    return current_user.organisation_id == order.buyer_organisation_id


def _render(order, form):
    return render_template(
        "orders/show.html", order=order, amounts=orders.amounts_of(order), ordered_on=orders.order_date(order),
        paid_on=date_in_france(order.payment_date), form=form if _is_buyer(order) else None,
    )


@bp.get("/<int:order_id>")
@signed_in
def show(order_id):
    """Show an order: quantities, unit price, totals excluding and including tax, payment."""
    order = _visible_order(order_id)
    form = PaymentForm(data={"reference": order.payment_reference, "paid_on": date_in_france(order.payment_date)})
    return _render(order, form)


@bp.post("/<int:order_id>/payment")
@signed_in
def record_payment(order_id):
    """Record the payment reference (mandat) and date of an order: the buyer only."""
    order = _visible_order(order_id)
    if not _is_buyer(order):
        abort(403)
    form = PaymentForm()
    if form.validate_on_submit():
        try:
            orders.record_payment(current_user, order, form.reference.data, form.paid_on.data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            flash(_("The payment is recorded."), "success")
            return redirect(url_for("orders.show", order_id=order.id))
    return _render(order, form), 200


@bp.get("/<int:order_id>/purchase-order.pdf")
@signed_in
def purchase_order(order_id):
    """Download the purchase order (bon de commande) as PDF, with its number and date."""
    order = _visible_order(order_id)
    body = purchase_order_pdf(order, orders.amounts_of(order), orders.order_date(order))
    response = make_response(body)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="bon-de-commande-{order.number}.pdf"'
    return response
