"""Database models, one module per aggregate."""
from .audit import AuditEntry
from .notification import MailPreference, Notification
from .organisation import Organisation
from .user import Invitation, User

__all__ = ["AuditEntry", "Invitation", "MailPreference", "Notification", "Organisation", "User"]
