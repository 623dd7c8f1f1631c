"""People who log in, and invitations to join an organisation."""
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .. import clock
from ..domain.roles import ADMIN_ROLES, Role
from ..extensions import db
from .base import UTCDateTime

# A hash of a random password of no one, made once: checked against when an address has no account, so
# that logging in takes as long whether the address is known or not.
_NOBODYS_HASH = []


def check_password_of_nobody(password):
    """Spend the time of one password check, for an address that has no account; always False."""
    if not _NOBODYS_HASH:
        _NOBODYS_HASH.append(generate_password_hash(secrets.token_urlsafe(16)))
    check_password_hash(_NOBODYS_HASH[0], password)
    return False


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(32))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    is_owner: Mapped[bool] = mapped_column(Boolean, default=False)
    admin_region_code: Mapped[str | None] = mapped_column(String(3))
    locale: Mapped[str] = mapped_column(String(5), default="fr")
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of every session's and remember cookie's id: raising it ends them all (session.py).
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.utcnow)

    organisation = relationship("Organisation", back_populates="members")

    def set_password(self, password):
        self.password_hash = generate_password_hash(password)

    def get_id(self):
        """Return the login's id for Flask-Login: the user, the session version and when it was issued."""
        return f"{self.id}:{self.session_version}:{int(clock.utcnow().timestamp())}"

    def end_all_sessions(self):
        self.session_version += 1

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)

    @property
    def is_admin(self):
        return self.role in ADMIN_ROLES

    @property
    def is_national_admin(self):
        return self.role == Role.NATIONAL_ADMIN

    @property
    def email_confirmed(self):
        return self.email_confirmed_at is not None

    def __repr__(self):
        return f"<User {self.id} {self.email}>"


class Invitation(db.Model):
    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation = relationship("Organisation")
    invited_by = relationship("User")

    @property
    def is_pending(self):
        return self.accepted_at is None


class PasswordResetToken(db.Model):
    """A mailed password reset link: only the SHA-256 of its random token is kept, and it works once."""

    __tablename__ = "password_reset_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.utcnow)
    # Set when the link was used, or when a newer link replaced it.
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    superseded: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())

    user = relationship("User")
