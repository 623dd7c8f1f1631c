"""Declaring certifications with their test report, and the regional administrator's decision."""
import uuid
from io import BytesIO
from pathlib import Path

from flask import current_app
from pypdf import PdfReader
from sqlalchemy import select
from werkzeug.utils import secure_filename

from .. import clock
from ..domain.access import can_administer_region
from ..domain.certifications import CertificationStatus, TestingBody, check_measurements
from ..domain.errors import DomainError, ErrorCode, N_, Refusals, has_inputs
from ..domain.masks import CATEGORIES, Category
from ..extensions import db
from ..mail import notify
from ..models import Certification
from . import report_uploads
from .audit import record_decision

PDF_MAGIC = b"%PDF-"
REPORTS_FOLDER = "reports"


def read_report(stream):
    """Return the bytes of an uploaded test report, refusing what is too large or not a PDF."""
    limit = current_app.config["CERTIFICATION_REPORT_MAX_BYTES"]
    content = stream.read(limit + 1)
    if len(content) > limit:
        raise DomainError(
            N_("The test report is larger than %(limit)s MB."), field="report", limit=limit // (1024 * 1024)
        )
    if not content.startswith(PDF_MAGIC):
        raise DomainError(N_("The test report must be a PDF file."), field="report")
    try:
        pages = len(PdfReader(BytesIO(content)).pages)
    except Exception:  # pypdf raises many kinds of errors on damaged files
        pages = 0
    if pages == 0:
        raise DomainError(N_("The test report is not a readable PDF file."), field="report")
    return content


def _store_report(content):
    relative = f"{REPORTS_FOLDER}/{uuid.uuid4().hex}.pdf"
    path = Path(current_app.config["UPLOAD_DIR"]) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return relative


def report_file_path(certification):
    """Return where a certification's test report is stored, outside the web root."""
    return Path(current_app.config["UPLOAD_DIR"]) / certification.report_path


MEASURES = ("reusable", "washes", "filtration_3um_pct", "air_permeability", "breathability_hours")


def check_declaration(data):
    """Refuse, all at once, what a declaration breaks; inputs left out of data (typed wrong) are not checked."""
    refusals = Refusals()
    if has_inputs(data, "testing_body"):
        TestingBody(data["testing_body"])
    if has_inputs(data, "report_date") and data["report_date"] > clock.today():  # French time, not the server's
        refusals.errors.append(DomainError(N_("The report date cannot be in the future."), field="report_date"))
    if has_inputs(data, "category"):
        with refusals.check():
            check_measurements(Category(data["category"]), **{k: data[k] for k in MEASURES if k in data})
    refusals.raise_any()


def receive_report(user, upload, token):
    """Keep a test report sent now (checked, replacing the one kept before), or return the one kept before."""
    if upload:
        content = read_report(upload.stream)
        report_uploads.discard_if_kept(user, token)
        return report_uploads.keep_report(user, content, secure_filename(upload.filename or "") or "rapport.pdf")
    report = report_uploads.pending_report(user, token)
    if report is None:
        raise DomainError(N_("Attach the test report."), field="report")
    return report


def kept_report(user, token):
    """Return the report the user sent with an earlier submission of the form, or None."""
    return report_uploads.pending_report(user, token)


def declare_certification(user, data, report_token):
    """Record a producer's certification with the test report it kept, pending verification."""
    organisation = user.organisation
    if organisation is None or not organisation.is_seller:
        raise DomainError(N_("Only producers and importers declare certifications."), ErrorCode.FORBIDDEN)
    check_declaration(data)
    category = Category(data["category"])
    report = report_uploads.pending_report(user, report_token)
    if report is None:
        raise DomainError(N_("Attach the test report."), field="report")
    certification = Certification(
        organisation=organisation,
        region_code=organisation.region_code,
        category=category,
        standard=(data.get("standard") or "").strip() or CATEGORIES[category].standard,
        reusable=data["reusable"],
        washes=data.get("washes") if data["reusable"] else None,
        exhalation_valve=data["exhalation_valve"],
        testing_body=data["testing_body"],
        testing_body_name=data["testing_body_name"].strip(),
        report_reference=data["report_reference"].strip(),
        report_date=data["report_date"],
        filtration_3um_pct=data.get("filtration_3um_pct"),
        air_permeability=data.get("air_permeability"),
        breathability_hours=data.get("breathability_hours"),
        report_path=_store_report(report_uploads.report_content(report)),
        report_filename=report.filename,
        report_size=report.size,
        status=CertificationStatus.PENDING,
    )
    db.session.add(certification)
    db.session.flush()
    record_decision(user, "certification.declared", certification, after=certification.snapshot())
    db.session.commit()
    report_uploads.discard(report.token)
    return certification


def verified_certification_for(organisation_id, category):
    """Return the organisation's latest verified certification of a category, or None."""
    return db.session.scalar(
        select(Certification)
        .where(
            Certification.organisation_id == organisation_id,
            Certification.category == category,
            Certification.status == CertificationStatus.VERIFIED,
        )
        .order_by(Certification.decided_at.desc(), Certification.id.desc())
        .limit(1)
    )


def organisation_certifications(organisation_id):
    """Return an organisation's certifications, newest first."""
    return db.session.scalars(
        select(Certification)
        .where(Certification.organisation_id == organisation_id)
        .order_by(Certification.created_at.desc(), Certification.id.desc())
    ).all()


def _decide(admin, certification, status, reason=None):
    if not can_administer_region(admin, certification.region_code):
        raise DomainError(N_("You do not administer this region."), ErrorCode.FORBIDDEN)
    if not certification.is_pending:
        raise DomainError(N_("This certification has already been decided."), ErrorCode.CONFLICT)
    before = certification.snapshot()
    certification.status = status
    certification.rejection_reason = reason
    certification.decided_at = clock.utcnow()
    certification.decided_by = admin
    record_decision(
        admin, f"certification.{status}", certification, before=before, after=certification.snapshot(), reason=reason
    )
    for member in certification.organisation.members:
        notify(
            member, "certification_decision",
            certification=certification, subject_params={"category": certification.category},
        )
    db.session.commit()
    return certification


def verify_certification(admin, certification):
    """Accept a certification: its producer may now list offers of its category."""
    return _decide(admin, certification, CertificationStatus.VERIFIED)


def reject_certification(admin, certification, reason):
    """Refuse a certification, telling the producer why."""
    if not (reason or "").strip():
        raise DomainError(N_("Give the reason for the rejection."), field="reason")
    return _decide(admin, certification, CertificationStatus.REJECTED, reason.strip())
