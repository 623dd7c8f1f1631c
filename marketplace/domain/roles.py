"""The roles a user can hold, and the role an organisation's members get."""
from enum import StrEnum

from .organisations import SELLER_KINDS


class Role(StrEnum):
    PRODUCER_MEMBER = "producer_member"
    BUYER_MEMBER = "buyer_member"
    REGIONAL_ADMIN = "regional_admin"
    NATIONAL_ADMIN = "national_admin"


ADMIN_ROLES = frozenset({Role.REGIONAL_ADMIN, Role.NATIONAL_ADMIN})


def member_role_for(kind):
    """Return the role held by members of an organisation of this kind."""
    return Role.PRODUCER_MEMBER if kind in SELLER_KINDS else Role.BUYER_MEMBER
