"""A matching run: when it ran, what it considered and matched, how it ended."""
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from .. import clock
from ..domain.runs import RunStatus
from ..extensions import db
from .base import UTCDateTime


class MatchingRun(db.Model):
    __tablename__ = "matching_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    trigger: Mapped[str] = mapped_column(String(16))  # RunTrigger
    triggered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    status: Mapped[str] = mapped_column(String(16), default=RunStatus.RUNNING)
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
    # Renewed by the run's worker while it runs (services/matching/lease.py); none for in-process runs.
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def lease_lapsed(self, now=None):
        """Tell whether the run is marked running but its worker stopped renewing its lease."""
        return (self.status == RunStatus.RUNNING and self.lease_expires_at is not None
                and self.lease_expires_at < (now or clock.utcnow()))
