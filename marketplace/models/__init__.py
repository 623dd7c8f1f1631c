"""Database models, one module per aggregate."""
from .audit import AuditEntry
from .certification import Certification
from .demand import Demand
from .matching_run import MatchingRun
from .notification import MailPreference, Notification
from .offer import Offer, OfferRegion
from .order import Order
from .organisation import Organisation
from .pool import Pool, PoolMembership
from .proposal import Proposal
from .refund import BeneficiaryShare, ExternalFunding, ExternalOrder
from .user import Invitation, PasswordResetToken, User

__all__ = [
    "AuditEntry", "BeneficiaryShare", "Certification", "Demand", "ExternalFunding", "ExternalOrder", "Invitation", "MailPreference", "MatchingRun", "Notification", "Offer", "OfferRegion", "Order",
    "Organisation", "PasswordResetToken", "Pool", "PoolMembership", "Proposal", "User",
]
