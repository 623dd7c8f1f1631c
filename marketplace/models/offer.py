"""A stock listing: units of one certified category, at a price, delivered to some regions."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..domain.offers import EDITABLE, LISTABLE, OfferStatus, SUBMITTABLE, WITHDRAWABLE, delivery_mask
from ..domain.vat import price_ttc_cents
from ..extensions import db
from .base import UTCDateTime


def _listed_index(name, *columns):
    """An index of the listed offers only; its condition is the catalogue's own term (`listed = true`,
    rendered `listed = 1` on SQLite, which uses a partial index only for a term written the same)."""
    return Index(name, *columns, postgresql_where=text("listed"), sqlite_where=text("listed = 1"))


class Offer(db.Model):
    __tablename__ = "offer"
    __table_args__ = (
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
        CheckConstraint("allocated_quantity >= 0", name="allocated_not_negative"),
        CheckConstraint("remaining_quantity >= 0", name="remaining_not_negative"),
        CheckConstraint("allocated_quantity <= quantity", name="allocated_within_quantity"),
        CheckConstraint("allocated_quantity + remaining_quantity = quantity", name="remaining_is_unallocated"),
        CheckConstraint("unit_price_cents > 0", name="price_positive"),
        # The catalogue: listed offers, filtered by category, sorted by price, stock or age. Partial:
        # an offer a matching run sells out leaves them without new entries (six of its ten
        # indexes; a second of a national run's write).
        _listed_index("ix_offer_listed_price", "unit_price_cents", "id"),
        _listed_index("ix_offer_listed_category_price", "category", "unit_price_cents", "id"),
        _listed_index("ix_offer_listed_remaining", "remaining_quantity", "id"),
        _listed_index("ix_offer_listed_category_remaining", "category", "remaining_quantity", "id"),
        _listed_index("ix_offer_listed_id", "id"),
        _listed_index("ix_offer_listed_category_id", "category", "id"),
        # The moderation queue.
        Index("ix_offer_status_region", "status", "region_code", "submitted_at"),
        # What a proposal's foreign key points at (its seller is the offer's organisation); also a
        # producer's offers.
        UniqueConstraint("organisation_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    certification_id: Mapped[int] = mapped_column(ForeignKey("certification.id"), index=True)
    # The producer's region: the regional administrator who moderates the offer.
    region_code: Mapped[str] = mapped_column(String(3))
    category: Mapped[str] = mapped_column(String(16))
    quantity: Mapped[int] = mapped_column(Integer)
    allocated_quantity: Mapped[int] = mapped_column(Integer, default=0)
    remaining_quantity: Mapped[int] = mapped_column(Integer)
    unit_price_cents: Mapped[int] = mapped_column(Integer)
    vat_rate_bp: Mapped[int] = mapped_column(Integer)
    delivers_everywhere: Mapped[bool] = mapped_column(Boolean, default=False)
    # One bit per region delivered to (domain.offers.delivery_mask): the catalogue filters on it
    # without a join; offer_region keeps the same facts as rows.
    delivery_mask: Mapped[int] = mapped_column(Integer, default=0)
    available_from: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(24), default=OfferStatus.DRAFT)
    # True exactly when buyers can see it (approved or partially allocated, stock left).
    listed: Mapped[bool] = mapped_column(Boolean, default=False)
    rejection_reason: Mapped[str | None] = mapped_column(String(1000))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.utcnow)

    organisation = relationship("Organisation")
    certification = relationship("Certification")
    region_links = relationship(
        "OfferRegion", cascade="all, delete-orphan", order_by="OfferRegion.region_code", lazy="selectin"
    )

    @property
    def delivery_regions(self):
        """Return the region codes delivered to, or None for all of France."""
        return None if self.delivers_everywhere else [link.region_code for link in self.region_links]

    def set_delivery_regions(self, codes):
        """Deliver to these region codes, or everywhere when codes is None."""
        self.delivers_everywhere = codes is None
        self.delivery_mask = delivery_mask(codes)
        self.region_links = [OfferRegion(region_code=code) for code in sorted(set(codes or []))]

    def set_status(self, status):
        self.status = status
        self.listed = status in LISTABLE and self.remaining_quantity > 0


    @property
    def vat_rate_percent(self):
        return Decimal(self.vat_rate_bp) / 100

    @property
    def unit_price_ttc_cents(self):
        return price_ttc_cents(self.unit_price_cents, self.vat_rate_bp)

    @property
    def can_be_submitted(self):
        return self.status in SUBMITTABLE

    @property
    def can_be_withdrawn(self):
        return self.status in WITHDRAWABLE

    @property
    def can_be_edited(self):
        return self.status in EDITABLE

    @property
    def is_pending(self):
        return self.status == OfferStatus.SUBMITTED

    def snapshot(self):
        """Return the state an audit entry records."""
        return {
            "status": self.status,
            "category": self.category,
            "quantity": self.quantity,
            "allocated_quantity": self.allocated_quantity,
            "unit_price_cents": self.unit_price_cents,
            "delivery_regions": self.delivery_regions,
        }

    def __repr__(self):
        return f"<Offer {self.id} {self.category} {self.status}>"


class OfferRegion(db.Model):
    """A region an offer delivers to (offers delivering everywhere have none)."""

    __tablename__ = "offer_region"
    __table_args__ = (Index("ix_offer_region_region_offer", "region_code", "offer_id"),)

    offer_id: Mapped[int] = mapped_column(ForeignKey("offer.id", ondelete="CASCADE"), primary_key=True)
    region_code: Mapped[str] = mapped_column(String(3), primary_key=True)
