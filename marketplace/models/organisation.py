"""An organisation: a producer, an importer or a buyer, identified by its SIRET."""
from datetime import datetime

from sqlalchemy import CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..domain.geography import region_name
from ..domain.organisations import BUYER_KINDS, OrganisationKind, SELLER_KINDS
from ..extensions import db
from .base import UTCDateTime


class Organisation(db.Model):
    __tablename__ = "organisation"
    __table_args__ = (CheckConstraint("headcount >= 0", name="headcount_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    siret: Mapped[str] = mapped_column(String(14), unique=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    sector: Mapped[str | None] = mapped_column(String(80))
    authority_type: Mapped[str | None] = mapped_column(String(32))
    region_code: Mapped[str] = mapped_column(String(3), index=True)
    departement_code: Mapped[str] = mapped_column(String(3))
    headcount: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.utcnow)

    members = relationship("User", back_populates="organisation", order_by="User.id")

    @property
    def is_seller(self):
        return self.kind in SELLER_KINDS

    @property
    def is_buyer(self):
        return self.kind in BUYER_KINDS

    @property
    def is_local_authority(self):
        return self.kind == OrganisationKind.LOCAL_AUTHORITY

    @property
    def region_name(self):
        return region_name(self.region_code)

    def __repr__(self):
        return f"<Organisation {self.id} {self.name!r}>"
