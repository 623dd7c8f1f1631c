"""Proposals pairing an offer with a demand, the orders they become, and matching runs."""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    JSON,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..extensions import db
from .base import UTCDateTime


class ProposalStatus(StrEnum):
    PENDING = "pending"  # waiting for one side or both
    ACCEPTED = "accepted"  # both sides accepted: an order exists
    DECLINED = "declined"  # one side declined: reservation released
    EXPIRED = "expired"  # nobody answered in time: reservation released


class ProposalSource(StrEnum):
    MATCHING = "matching"
    DIRECT_REQUEST = "direct_request"  # a buyer asked for an offer from the catalogue


class Decision(StrEnum):
    ACCEPTED = "accepted"
    DECLINED = "declined"


class Proposal(db.Model):
    __tablename__ = "proposal"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price_cents > 0", name="price_positive"),
        Index("ix_proposal_status_expires", "status", "expires_at"),
        # Seller and buyer are the offer's and the demand's organisations: one key checks the row and the
        # copy together (a national run writes 200,000 proposals, each foreign key is a lookup per row).
        ForeignKeyConstraint(["seller_organisation_id", "offer_id"], ["offer.organisation_id", "offer.id"]),
        ForeignKeyConstraint(["buyer_organisation_id", "demand_id"], ["demand.organisation_id", "demand.id"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column()
    demand_id: Mapped[int] = mapped_column(index=True)
    # The run that made it (none for a direct request). No foreign key: a run writes its markets on
    # several connections at once, and each proposal's key check would share-lock the one run row
    # from every transaction (a MultiXact per check, a second of a national run); the run's id comes
    # from its own committed row, and runs are never deleted.
    run_id: Mapped[int | None] = mapped_column(index=True)
    buyer_organisation_id: Mapped[int] = mapped_column(index=True)
    seller_organisation_id: Mapped[int] = mapped_column(index=True)
    source: Mapped[str] = mapped_column(String(24), default=ProposalSource.MATCHING)
    category: Mapped[str] = mapped_column(String(16))
    # The demand's delivery region: whose administrators oversee the proposal.
    region_code: Mapped[str] = mapped_column(String(3), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price_cents: Mapped[int] = mapped_column(Integer)
    vat_rate_bp: Mapped[int] = mapped_column(Integer)
    priority_rank: Mapped[int] = mapped_column(Integer)
    own_region: Mapped[bool] = mapped_column(default=False)
    # Why this pairing: category asked/served, region, price against ceiling, priority.
    reasons: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default=ProposalStatus.PENDING)
    buyer_decision: Mapped[str | None] = mapped_column(String(16))
    producer_decision: Mapped[str | None] = mapped_column(String(16))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Explicit joins, one column each: through the composite keys, offer and seller_organisation would
    # both write seller_organisation_id.
    offer = relationship("Offer", primaryjoin="Offer.id == foreign(Proposal.offer_id)")
    demand = relationship("Demand", primaryjoin="Demand.id == foreign(Proposal.demand_id)")
    buyer_organisation = relationship("Organisation",
                                      primaryjoin="Organisation.id == foreign(Proposal.buyer_organisation_id)")
    seller_organisation = relationship("Organisation",
                                       primaryjoin="Organisation.id == foreign(Proposal.seller_organisation_id)")
    order = relationship("Order", back_populates="proposal", uselist=False)

    @property
    def is_pending(self):
        return self.status == ProposalStatus.PENDING

    @property
    def total_ht_cents(self):
        return self.quantity * self.unit_price_cents


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


class MatchingRun(db.Model):
    __tablename__ = "matching_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    trigger: Mapped[str] = mapped_column(String(16))  # beat, event, manual
    triggered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    status: Mapped[str] = mapped_column(String(16), default="running")  # running, succeeded, failed, skipped
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    offers_considered: Mapped[int] = mapped_column(Integer, default=0)
    demands_considered: Mapped[int] = mapped_column(Integer, default=0)
    # National runs match billions of units: beyond a 32-bit integer.
    units_matched: Mapped[int] = mapped_column(BigInteger, default=0)
    proposals_created: Mapped[int] = mapped_column(Integer, default=0)
    # {"FFP2|53": 12000, …}: units asked and not matched, by category and region.
    unmatched: Mapped[dict] = mapped_column(JSON, default=dict)
    solver_seconds: Mapped[float | None] = mapped_column()
    error: Mapped[str | None] = mapped_column(String(2000))
