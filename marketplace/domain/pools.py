"""Who may open and join pooled purchases.

A sector's SME referent pools the needs of its sector's SMEs; a large company buys for its SME
subcontractors and passes the masks on at cost price (the Economy ministry's note "Masques à
destination des entreprises", 24 April 2020).
"""
from enum import StrEnum

from .organisations import OrganisationKind

# An SME has fewer than 250 persons (Commission Recommendation 2003/361/EC).
SME_MAX_HEADCOUNT = 249


class PoolKind(StrEnum):
    SECTOR = "sector"  # opened by a sector referent for the SMEs of its sector
    SUBCONTRACTORS = "subcontractors"  # opened by a large company for its subcontractors, by link


POOL_KIND_OF_OPENER = {
    OrganisationKind.SECTOR_REFERENT: PoolKind.SECTOR,
    OrganisationKind.COMPANY: PoolKind.SUBCONTRACTORS,
}
MEMBER_KINDS = frozenset({OrganisationKind.COMPANY})


def is_sme(headcount):
    """Tell whether an organisation of this headcount is an SME."""
    return headcount <= SME_MAX_HEADCOUNT


class PoolStatus(StrEnum):
    OPEN = "open"
    SUBMITTED = "submitted"
    CANCELLED = "cancelled"
