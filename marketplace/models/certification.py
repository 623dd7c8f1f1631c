"""A producer's certification of one product: the category, the test report and its results."""
from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..domain.certifications import CertificationStatus
from ..domain.masks import CATEGORIES, Category
from ..extensions import db
from .base import UTCDateTime


class Certification(db.Model):
    __tablename__ = "certification"
    __table_args__ = (
        CheckConstraint("washes IS NULL OR washes >= 0", name="washes_not_negative"),
        Index("ix_certification_status_region", "status", "region_code", "created_at"),
        Index("ix_certification_status_category", "status", "category"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    # The producer's region when declared: the regional administrator who verifies it.
    region_code: Mapped[str] = mapped_column(String(3))
    category: Mapped[str] = mapped_column(String(16))
    standard: Mapped[str] = mapped_column(String(80))
    reusable: Mapped[bool] = mapped_column(Boolean, default=False)
    washes: Mapped[int | None] = mapped_column(Integer)
    exhalation_valve: Mapped[bool] = mapped_column(Boolean, default=False)
    testing_body: Mapped[str] = mapped_column(String(32))
    testing_body_name: Mapped[str] = mapped_column(String(200))
    report_reference: Mapped[str] = mapped_column(String(120))
    report_date: Mapped[date] = mapped_column(Date)
    filtration_3um_pct: Mapped[float | None] = mapped_column(Float)
    air_permeability: Mapped[float | None] = mapped_column(Float)
    breathability_hours: Mapped[int | None] = mapped_column(Integer)
    report_path: Mapped[str] = mapped_column(String(255))
    report_filename: Mapped[str] = mapped_column(String(255))
    report_size: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=CertificationStatus.PENDING)
    rejection_reason: Mapped[str | None] = mapped_column(String(1000))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.utcnow)

    organisation = relationship("Organisation")
    decided_by = relationship("User")


    @property
    def valid_until(self):
        return CATEGORIES[Category(self.category)].valid_until

    @property
    def is_verified(self):
        return self.status == CertificationStatus.VERIFIED

    @property
    def is_pending(self):
        return self.status == CertificationStatus.PENDING

    def snapshot(self):
        """Return the state an audit entry records."""
        return {"status": self.status, "category": self.category}

    def __repr__(self):
        return f"<Certification {self.id} {self.category} {self.status}>"
