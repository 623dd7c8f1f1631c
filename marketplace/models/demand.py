"""A buyer's demand: a category, a quantity, where and when, and how much of it is matched."""
from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, JSON, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..domain.demands import DemandStatus, LIVE_STATUSES
from ..extensions import db
from .base import UTCDateTime


class Demand(db.Model):
    __tablename__ = "demand"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("matched_quantity >= 0", name="matched_quantity_not_negative"),
        CheckConstraint("matched_quantity <= quantity", name="matched_within_quantity"),
        CheckConstraint("matched_total_cents >= 0", name="matched_total_not_negative"),
        CheckConstraint("max_unit_price_cents > 0", name="max_unit_price_positive"),
        CheckConstraint("reserved_quantity >= 0", name="reserved_not_negative"),
        CheckConstraint("matched_quantity + reserved_quantity <= quantity", name="reserved_within_quantity"),
        # What a proposal's foreign key points at (its buyer is the demand's organisation); also a buyer's demands.
        UniqueConstraint("organisation_id", "id"),
        # Half-full pages (PostgreSQL): reserving units rewrites a demand in place (a HOT update, no
        # new index entries), which halves the time of a national run's 160,000 reservations.
        {"postgresql_with": {"fillfactor": 50}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    category: Mapped[str] = mapped_column(String(16))
    accepted_substitutes: Mapped[list] = mapped_column(JSON, default=list)
    quantity: Mapped[int] = mapped_column(Integer)
    matched_quantity: Mapped[int] = mapped_column(Integer, default=0)
    # Units held by pending proposals: neither matched nor offered to another run.
    reserved_quantity: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # What the matched units cost in all, excluding tax: the base of pool members' shares.
    matched_total_cents: Mapped[int] = mapped_column(Integer, default=0)
    region_code: Mapped[str] = mapped_column(String(3))
    departement_code: Mapped[str] = mapped_column(String(3))
    max_unit_price_cents: Mapped[int] = mapped_column(Integer)
    needed_by: Mapped[date] = mapped_column(Date)
    public_facing: Mapped[bool] = mapped_column(Boolean, default=False)
    priority_rank: Mapped[int] = mapped_column(Integer)
    contact_name: Mapped[str] = mapped_column(String(120))
    contact_email: Mapped[str] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(24), default=DemandStatus.OPEN, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation = relationship("Organisation")
    created_by = relationship("User")
    pool = relationship("Pool", back_populates="demand", uselist=False)

    @property
    def remaining_quantity(self):
        return self.quantity - self.matched_quantity

    @property
    def unreserved_quantity(self):
        """Return the units no order and no pending proposal covers yet: what matching may still seek."""
        return self.quantity - self.matched_quantity - self.reserved_quantity

    @property
    def is_live(self):
        return self.status in LIVE_STATUSES

    @property
    def has_live_proposals(self):
        # Every pending proposal holds its units in reserved_quantity, and only those do.
        return bool(self.reserved_quantity)

    @property
    def can_be_edited(self):
        return self.status == DemandStatus.OPEN and not self.has_live_proposals


    def __repr__(self):
        return f"<Demand {self.id} {self.category} {self.quantity}>"
