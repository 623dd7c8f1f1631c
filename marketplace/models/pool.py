"""A pooled purchase: members' quantities gathered until they reach a lot, then one demand."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..domain.pools import PoolStatus
from ..extensions import db
from .base import UTCDateTime


class Pool(db.Model):
    __tablename__ = "pool"
    __table_args__ = (CheckConstraint("max_unit_price_cents > 0", name="max_unit_price_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    sector: Mapped[str | None] = mapped_column(String(80), index=True)
    # Subcontractors join a company's pool through a link carrying this code.
    join_code: Mapped[str] = mapped_column(String(43), unique=True)
    category: Mapped[str] = mapped_column(String(16))
    region_code: Mapped[str] = mapped_column(String(3), index=True)
    departement_code: Mapped[str] = mapped_column(String(3))
    max_unit_price_cents: Mapped[int] = mapped_column(Integer)
    needed_by: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=PoolStatus.OPEN, index=True)
    demand_id: Mapped[int | None] = mapped_column(ForeignKey("demand.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation = relationship("Organisation")
    created_by = relationship("User")
    demand = relationship("Demand", back_populates="pool")
    memberships = relationship(
        "PoolMembership", back_populates="pool", order_by="PoolMembership.id", cascade="all, delete-orphan"
    )

    @property
    def total_quantity(self):
        return sum(m.quantity for m in self.memberships)

    @property
    def is_open(self):
        return self.status == PoolStatus.OPEN


    def membership_of(self, organisation_id):
        """Return the membership of an organisation, or None."""
        return next((m for m in self.memberships if m.organisation_id == organisation_id), None)

    def __repr__(self):
        return f"<Pool {self.id} {self.category} {self.status}>"


class PoolMembership(db.Model):
    __tablename__ = "pool_membership"
    __table_args__ = (
        UniqueConstraint("pool_id", "organisation_id", name="one_membership_per_organisation"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("pool.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    pool = relationship("Pool", back_populates="memberships")
    organisation = relationship("Organisation")
    user = relationship("User")
