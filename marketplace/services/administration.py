"""What administrators look at: regions, their organisations, the audit log."""
from sqlalchemy import func, select

from ..domain.geography import regions
from ..extensions import db
from ..models import AuditEntry, Organisation

PAGE_SIZE = 50


def region_summaries(region_codes):
    """Return, per region, its name and how many organisations it has."""
    counts = dict(
        db.session.execute(
            select(Organisation.region_code, func.count())
            .where(Organisation.region_code.in_(region_codes))
            .group_by(Organisation.region_code)
        ).all()
    )
    return [{"region": regions()[code], "organisations": counts.get(code, 0)} for code in region_codes]


def organisations_page(region_code, page):
    """Return one page of the organisations of a region, newest first."""
    query = (
        select(Organisation)
        .where(Organisation.region_code == region_code)
        .order_by(Organisation.created_at.desc(), Organisation.id.desc())
    )
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def audit_page(region_codes, page):
    """Return one page of audit entries of these regions, newest first."""
    query = (
        select(AuditEntry)
        .where(AuditEntry.region_code.in_(region_codes))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    )
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def audit_trail(obj):
    """Return the audit entries about one object, oldest first, for its page."""
    return db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.object_type == type(obj).__name__, AuditEntry.object_id == obj.id)
        .order_by(AuditEntry.created_at, AuditEntry.id)
    ).all()
