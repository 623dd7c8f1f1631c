"""What a local authority adds to its refund statement: orders made outside the marketplace,
masks made locally, external funding received, and the shares of a purchase made for others."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from .. import clock
from ..domain.refund import ExternalOrderKind, Section
from ..extensions import db
from .base import UTCDateTime

# A funding or a share belongs to exactly one order: one of the marketplace or one made outside.
ONE_ORDER = (
    "(CASE WHEN order_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN external_order_id IS NULL THEN 0 ELSE 1 END) = 1"
)


SECTION_OF_KIND = {
    ExternalOrderKind.SINGLE_USE: Section.SINGLE_USE,
    ExternalOrderKind.REUSABLE: Section.REUSABLE,
    ExternalOrderKind.MADE_LOCALLY: Section.MADE_LOCALLY,
}


class ExternalOrder(db.Model):
    """An order the body made outside the marketplace, or a batch of masks it had made locally."""

    __tablename__ = "refund_external_order"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("total_ttc_cents >= 0", name="total_not_negative"),
        # One claim per outside order: the last guard behind services.refunds' own check.
        UniqueConstraint("organisation_id", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    supplier: Mapped[str] = mapped_column(String(200))  # for masks made locally: who sewed them
    number: Mapped[str] = mapped_column(String(64))
    order_date: Mapped[date] = mapped_column(Date)
    quantity: Mapped[int] = mapped_column(Integer)
    total_ttc_cents: Mapped[int] = mapped_column(Integer)
    materials_cents: Mapped[int | None] = mapped_column(Integer)
    sewing_cents: Mapped[int | None] = mapped_column(Integer)
    payment_reference: Mapped[str | None] = mapped_column(String(64))
    payment_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.utcnow)

    fundings = relationship("ExternalFunding", back_populates="external_order", cascade="all, delete-orphan")
    shares = relationship("BeneficiaryShare", back_populates="external_order", cascade="all, delete-orphan")

    @property
    def section(self):
        return SECTION_OF_KIND[ExternalOrderKind(self.kind)]

    @property
    def total_ttc(self):
        return Decimal(self.total_ttc_cents) / 100


class _OnOneOrder:
    """Belongs to the body and to exactly one of its orders: a marketplace one or one made outside."""

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("purchase_order.id"), index=True)
    external_order_id: Mapped[int | None] = mapped_column(
        ForeignKey("refund_external_order.id", ondelete="CASCADE"), index=True
    )

    @declared_attr
    def order(cls):
        return relationship("Order")

    @property
    def line_key(self):
        return line_key(self.order_id, self.external_order_id)


class ExternalFunding(_OnOneOrder, db.Model):
    """Funding already received for one order (EU funds, a donation): deducted before halving."""

    __tablename__ = "refund_external_funding"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        CheckConstraint("masks_funded >= 0", name="masks_not_negative"),
        CheckConstraint(ONE_ORDER, name="one_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    funder: Mapped[str] = mapped_column(String(200))
    masks_funded: Mapped[int] = mapped_column(Integer)
    amount_cents: Mapped[int] = mapped_column(Integer)
    receipt_reference: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.utcnow)

    external_order = relationship("ExternalOrder", back_populates="fundings")


class BeneficiaryShare(_OnOneOrder, db.Model):
    """What one body paid of a purchase made for it: its share of the refund follows."""

    __tablename__ = "refund_beneficiary_share"
    __table_args__ = (
        CheckConstraint("paid_cents > 0", name="paid_positive"),
        CheckConstraint(ONE_ORDER, name="one_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    beneficiary: Mapped[str] = mapped_column(String(200))
    paid_cents: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.utcnow)

    external_order = relationship("ExternalOrder", back_populates="shares")


def line_key(order_id, external_order_id):
    """Name a statement line by its record: "order:12" (marketplace) or "external:3"."""
    return f"order:{order_id}" if order_id is not None else f"external:{external_order_id}"
