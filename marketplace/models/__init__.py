"""Database models, one module per aggregate."""
from .audit import AuditEntry
from .organisation import Organisation
from .user import Invitation, User

__all__ = ["AuditEntry", "Invitation", "Organisation", "User"]
