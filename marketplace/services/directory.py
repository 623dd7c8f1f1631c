"""Public listings of organisations."""
from sqlalchemy import func, select

from ..domain.organisations import BUYER_KINDS, SELLER_KINDS
from ..extensions import db
from ..models import Organisation

PAGE_SIZE = 20


def producers_page(page=1, region_code=None):
    """Return one page of producers and importers, by name."""
    query = select(Organisation).where(Organisation.kind.in_(SELLER_KINDS)).order_by(Organisation.name, Organisation.id)
    if region_code:
        query = query.where(Organisation.region_code == region_code)
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def marketplace_figures():
    """Count the sellers and buyers registered, for the home page."""
    def count(kinds):
        return db.session.scalar(select(func.count()).select_from(Organisation).where(Organisation.kind.in_(kinds)))

    return {"sellers": count(SELLER_KINDS), "buyers": count(BUYER_KINDS)}
