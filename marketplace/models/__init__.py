"""Database models, one module per aggregate."""
from .audit import AuditEntry
from .demand import Demand
from .notification import MailPreference, Notification
from .organisation import Organisation
from .pool import Pool, PoolMembership
from .user import Invitation, User

__all__ = ["AuditEntry", "Demand", "Invitation", "MailPreference", "Notification", "Organisation", "Pool", "PoolMembership", "User"]
