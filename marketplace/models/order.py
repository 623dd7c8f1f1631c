"""Orders: a proposal both sides accepted, with the buyer's payment record."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..extensions import db
from .base import UTCDateTime


class Order(db.Model):
    __tablename__ = "purchase_order"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price_cents > 0", name="price_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), unique=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offer.id"), index=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demand.id"), index=True)
    buyer_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    seller_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    category: Mapped[str] = mapped_column(String(16))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price_cents: Mapped[int] = mapped_column(Integer)
    vat_rate_bp: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.utcnow)
    payment_reference: Mapped[str | None] = mapped_column(String(64))
    payment_date: Mapped[datetime | None] = mapped_column(UTCDateTime)

    proposal = relationship("Proposal", back_populates="order")
    offer = relationship("Offer")
    demand = relationship("Demand")
    buyer_organisation = relationship("Organisation", foreign_keys=[buyer_organisation_id])
    seller_organisation = relationship("Organisation", foreign_keys=[seller_organisation_id])
