"""The regional administrator's moderation: the queue, certifications and offers, decisions."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from .. import clock
from ..domain.errors import DomainError
from ..extensions import db
from ..models import Certification, Offer
from ..services import certifications, moderation, offers
from ..services.administration import audit_trail
from ..web.access import admin_required, ensure_region
from ..web.fields import bounded_int
from ..web.forms import apply_domain_error
from . import bp
from .forms import ActionForm, RejectForm


@bp.get("/moderation")
@admin_required
def moderation_queue():
    """List what waits for a decision in the administrator's regions, oldest first."""
    pending_certifications = moderation.pending_certifications(current_user)
    pending_offers = moderation.pending_offers(current_user)
    organisation_ids = {item.organisation_id for item in [*pending_certifications, *pending_offers]}
    return render_template(
        "admin/moderation.html",
        certifications=pending_certifications,
        offers=pending_offers,
        history=moderation.producer_history(organisation_ids),
        action_form=ActionForm(),
        today=clock.today(),
    )


def _certification_in_my_region(certification_id):
    item = db.get_or_404(Certification, certification_id)
    ensure_region(item.region_code)
    return item


def _offer_in_my_region(offer_id):
    item = db.get_or_404(Offer, offer_id)
    ensure_region(item.region_code)
    return item


def _render_certification(item, reject_form=None, status=200):
    return render_template(
        "admin/certification.html", certification=item, entries=audit_trail(item),
        action_form=ActionForm(), reject_form=reject_form or RejectForm(),
    ), status


def _render_offer(item, reject_form=None, status=200):
    return render_template(
        "admin/offer.html", offer=item, entries=audit_trail(item),
        action_form=ActionForm(), reject_form=reject_form or RejectForm(),
    ), status


@bp.get("/certifications/<int:certification_id>")
@admin_required
def certification(certification_id):
    """Show a certification, its test report and the decisions taken on it."""
    return _render_certification(_certification_in_my_region(certification_id))


@bp.post("/certifications/<int:certification_id>/verify")
@admin_required
def verify_certification(certification_id):
    """Verify a certification."""
    item = _certification_in_my_region(certification_id)
    if ActionForm().validate_on_submit():
        try:
            certifications.verify_certification(current_user, item)
        except DomainError as error:
            flash(_(error.message, **error.params), "danger")
        else:
            flash(_("The certification is verified; the producer is told."), "success")
    return redirect(url_for("admin.certification", certification_id=item.id))


@bp.post("/certifications/<int:certification_id>/reject")
@admin_required
def reject_certification(certification_id):
    """Reject a certification with a reason."""
    item = _certification_in_my_region(certification_id)
    form = RejectForm()
    if form.validate_on_submit():
        try:
            certifications.reject_certification(current_user, item, form.reason.data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            flash(_("The certification is rejected; the producer is told why."), "success")
            return redirect(url_for("admin.certification", certification_id=item.id))
    return _render_certification(item, form, 422)


@bp.get("/offers/<int:offer_id>")
@admin_required
def offer(offer_id):
    """Show an offer and the decisions taken on it."""
    return _render_offer(_offer_in_my_region(offer_id))


@bp.post("/offers/<int:offer_id>/approve")
@admin_required
def approve_offer(offer_id):
    """Approve an offer: it enters the catalogue."""
    item = _offer_in_my_region(offer_id)
    if ActionForm().validate_on_submit():
        try:
            offers.approve_offer(current_user, item)
        except DomainError as error:
            flash(_(error.message, **error.params), "danger")
        else:
            flash(_("The offer is approved and appears in the catalogue."), "success")
    return redirect(url_for("admin.offer", offer_id=item.id))


@bp.post("/offers/<int:offer_id>/reject")
@admin_required
def reject_offer(offer_id):
    """Reject an offer with a reason."""
    item = _offer_in_my_region(offer_id)
    form = RejectForm()
    if form.validate_on_submit():
        try:
            offers.reject_offer(current_user, item, form.reason.data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            flash(_("The offer is rejected; the producer is told why."), "success")
            return redirect(url_for("admin.offer", offer_id=item.id))
    return _render_offer(item, form, 422)


@bp.post("/offers/bulk-approve")
@admin_required
def bulk_approve_offers():
    """Approve the offers ticked in the queue."""
    ids = request.form.getlist("offer_ids", type=bounded_int)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("admin.moderation_queue"))
    if not ids:
        flash(_("Select at least one offer."), "warning")
    else:
        for region_code in db.session.scalars(select(Offer.region_code).where(Offer.id.in_(ids)).distinct()):
            ensure_region(region_code)
        try:
            count = offers.bulk_approve_offers(current_user, ids)
        except DomainError as error:
            flash(_(error.message, **error.params), "danger")
        else:
            flash(ngettext("%(num)s offer approved.", "%(num)s offers approved.", count), "success")
    return redirect(url_for("admin.moderation_queue"))
