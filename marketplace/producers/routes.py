"""The producers' area: certifications with their test reports, offers, CSV import."""
from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..domain.errors import DomainError
from ..extensions import db
from ..models import Certification, Offer
from ..services import certifications, offer_import, offers
from ..services.administration import audit_trail
from ..web.access import ensure_document_access, ensure_member_of, producer_required, signed_in
from ..web.fields import bounded_int
from ..web.forms import apply_domain_error, domain_message, validate_all
from . import bp
from .forms import ActionForm, CertificationForm, ImportForm, OfferForm


def _own_offer(offer_id):
    offer = db.get_or_404(Offer, offer_id)
    ensure_member_of(offer.organisation_id)
    return offer


@bp.get("/")
@producer_required
def dashboard():
    """Show the producer's certifications and offers."""
    organisation_id = current_user.organisation_id
    return render_template(
        "producers/dashboard.html",
        certifications=certifications.organisation_certifications(organisation_id),
        pagination=offers.organisation_offers(organisation_id, request.args.get("page", 1, type=bounded_int)),
    )


@bp.route("/certifications/new", methods=["GET", "POST"])
@producer_required
def new_certification():
    """Declare a certification with its PDF test report."""
    form, kept = CertificationForm(), None
    if form.is_submitted():
        fields_valid = validate_all(form, lambda f: certifications.check_declaration(f.checkable_data()))
        report, kept = _receive_report(form)
        if fields_valid and report:
            try:
                certification = certifications.declare_certification(current_user, form.data, report.token)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                flash(_("Your certification is recorded; the regional administrator will verify it."), "success")
                return redirect(url_for("producers.certification", certification_id=certification.id))
    return render_template("producers/certification_form.html", form=form, kept_report=kept)


def _receive_report(form):
    """Keep the report sent now, or find the one sent before; return it (None if refused) and the one kept."""
    try:
        report = certifications.receive_report(current_user, form.report.data, form.report_token.data)
    except DomainError as error:
        apply_domain_error(form, error)
        report = None
    kept = report or certifications.kept_report(current_user, form.report_token.data)
    form.report_token.data = kept.token if kept else ""
    return report, kept


@bp.get("/certifications/<int:certification_id>")
@producer_required
def certification(certification_id):
    """Show one of the producer's certifications and the decisions taken on it."""
    item = db.get_or_404(Certification, certification_id)
    ensure_member_of(item.organisation_id)
    return render_template("producers/certification.html", certification=item, entries=audit_trail(item))


@bp.get("/certifications/<int:certification_id>/report.pdf")
@signed_in
def certification_report(certification_id):
    """Send a test report to its producer's members and to the administrators of its region."""
    item = db.get_or_404(Certification, certification_id)
    ensure_document_access(item.organisation_id, item.region_code)
    path = certifications.report_file_path(item)
    if not path.is_file():
        abort(404)
    return send_file(
        path, mimetype="application/pdf",
        as_attachment=True, download_name=item.report_filename, max_age=0,
    )


@bp.route("/offers/new", methods=["GET", "POST"])
@producer_required
def new_offer():
    """List a new offer, as a draft or submitted to moderation."""
    form = OfferForm()
    if validate_all(form, lambda f: offers.check_offer(current_user.organisation, f.checkable_data())):
        try:
            submit = "submit" in request.form
            offer = offers.create_offer(current_user, form.offer_data(), submit=submit)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            flash(_("The offer is sent to the regional administrator.") if submit else _("The offer is saved."), "success")
            return redirect(url_for("producers.offer", offer_id=offer.id))
    return render_template("producers/offer_form.html", form=form, offer=None)


@bp.get("/offers/<int:offer_id>")
@producer_required
def offer(offer_id):
    """Show one offer, its prices with and without tax, and the decisions taken on it."""
    item = _own_offer(offer_id)
    return render_template("producers/offer.html", offer=item, entries=audit_trail(item), action_form=ActionForm())


@bp.route("/offers/<int:offer_id>/edit", methods=["GET", "POST"])
@producer_required
def edit_offer(offer_id):
    """Edit an offer; a new price, category or regions sends it back to moderation."""
    item = _own_offer(offer_id)
    form = OfferForm(obj=item) if request.method == "GET" else OfferForm()
    if request.method == "GET":
        form.unit_price.data = f"{Decimal(item.unit_price_cents) / 100:.2f}".replace(".", ",")
        own = item.delivery_regions == [item.organisation.region_code]
        form.delivery_scope.data = "all" if item.delivers_everywhere else "own" if own else "several"
        form.regions.data = item.delivery_regions if form.delivery_scope.data == "several" else []
    if validate_all(form, lambda f: offers.check_offer(item.organisation, f.checkable_data(), item.allocated_quantity)):
        try:
            offers.update_offer(current_user, item, form.offer_data())
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            flash(_("The offer is updated."), "success")
            return redirect(url_for("producers.offer", offer_id=item.id))
    return render_template("producers/offer_form.html", form=form, offer=item)


def _act(action, offer_id, done_message):
    item = _own_offer(offer_id)
    if ActionForm().validate_on_submit():
        try:
            action(current_user, item)
        except DomainError as error:
            flash(_(error.message, **error.params), "danger")
        else:
            flash(done_message, "success")
    return redirect(url_for("producers.offer", offer_id=item.id))


@bp.post("/offers/<int:offer_id>/submit")
@producer_required
def submit_offer(offer_id):
    """Send a draft or rejected offer to moderation."""
    return _act(offers.submit_offer, offer_id, _("The offer is sent to the regional administrator."))


@bp.post("/offers/<int:offer_id>/withdraw")
@producer_required
def withdraw_offer(offer_id):
    """Withdraw the unallocated stock of an offer."""
    return _act(offers.withdraw_offer, offer_id, _("The offer is withdrawn."))


@bp.route("/offers/import", methods=["GET", "POST"])
@producer_required
def import_offers():
    """Import offers from a CSV file, all or none, with a report of the rows in error."""
    form, row_errors = ImportForm(), []
    if form.validate_on_submit():
        try:
            imported = offer_import.import_offers(current_user, form.file.data.read())
        except offer_import.ImportRefused as refused:
            form.form_errors.append(ngettext(
                "Nothing was imported: %(num)s row has errors.", "Nothing was imported: %(num)s rows have errors.",
                refused.params["count"],
            ))
            row_errors = [(row.line, row.column, domain_message(row)) for row in refused.rows]
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            flash(ngettext(
                "%(num)s offer imported and sent to moderation.", "%(num)s offers imported and sent to moderation.",
                len(imported),
            ), "success")
            return redirect(url_for("producers.dashboard"))
    return render_template(
        "producers/import.html", form=form, row_errors=row_errors, columns=offer_import.COLUMNS
    )
