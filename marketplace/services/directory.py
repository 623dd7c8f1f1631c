"""Public listings: the directory of certified producers, and the home page's figures."""
from sqlalchemy import func, select

from ..domain.certifications import CertificationStatus
from ..domain.masks import Category
from ..domain.organisations import BUYER_KINDS, SELLER_KINDS
from ..extensions import db
from ..models import Certification, Organisation

PAGE_SIZE = 20


def certified_producers_page(page=1, region_code=None, category=None):
    """Return one page of producers holding verified certifications, by name, with those certifications."""
    verified = select(Certification.organisation_id).where(Certification.status == CertificationStatus.VERIFIED)
    if category in Category.__members__.values():
        verified = verified.where(Certification.category == category)
    query = select(Organisation).where(Organisation.id.in_(verified)).order_by(Organisation.name, Organisation.id)
    if region_code:
        query = query.where(Organisation.region_code == region_code)
    pagination = db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)
    ids = [organisation.id for organisation in pagination.items]
    certifications = db.session.scalars(
        select(Certification)
        .where(Certification.organisation_id.in_(ids), Certification.status == CertificationStatus.VERIFIED)
        .order_by(Certification.category, Certification.report_date)
    ).all()
    by_organisation = {organisation_id: [] for organisation_id in ids}
    for certification in certifications:
        by_organisation[certification.organisation_id].append(certification)
    rows = [(organisation, by_organisation[organisation.id]) for organisation in pagination.items]
    return pagination, rows


def marketplace_figures():
    """Count the sellers and buyers registered, for the home page."""
    def count(kinds):
        return db.session.scalar(select(func.count()).select_from(Organisation).where(Organisation.kind.in_(kinds)))

    return {"sellers": count(SELLER_KINDS), "buyers": count(BUYER_KINDS)}
