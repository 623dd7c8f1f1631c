"""Proposals pairing an offer with a demand, waiting for both sides' answers."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKeyConstraint, Index, Integer, JSON, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..domain.proposals import ProposalSource, ProposalStatus
from ..extensions import db
from .base import UTCDateTime


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
