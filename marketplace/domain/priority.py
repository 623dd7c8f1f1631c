"""Who is served first: priority classes of buyers, as data.

FFP2 and surgical masks go first to healthcare workers (the Economy ministry's note "Masques à
destination des entreprises", 24 April 2020). The table below gives healthcare structures every
FFP and surgical mask first, then serves local authorities and public-facing professions, then
other companies. The matcher only reads `priority_of`; change the table to change the order,
never the matcher.
"""
from dataclasses import dataclass

from .errors import N_
from .masks import Family, family_of
from .organisations import OrganisationKind

SANITARY_FAMILIES = frozenset({Family.RESPIRATOR, Family.SURGICAL})


@dataclass(frozen=True)
class PriorityClass:
    rank: int  # 1 is served first
    label: str
    buyer_kinds: frozenset
    families: frozenset | None = None  # None: any category
    public_facing_only: bool = False  # only for masks declared for staff facing the public


HEALTHCARE_FIRST = PriorityClass(1, N_("Healthcare structures (sanitary masks)"),
                                 frozenset({OrganisationKind.HEALTHCARE}), SANITARY_FAMILIES)
PUBLIC_SERVICE = PriorityClass(2, N_("Local authorities and public-facing professions"),
                               frozenset({OrganisationKind.HEALTHCARE, OrganisationKind.LOCAL_AUTHORITY}))
PUBLIC_FACING = PriorityClass(2, N_("Local authorities and public-facing professions"),
                              frozenset({OrganisationKind.COMPANY, OrganisationKind.SECTOR_REFERENT}),
                              public_facing_only=True)
OTHER_COMPANIES = PriorityClass(3, N_("Other companies"),
                                frozenset({OrganisationKind.COMPANY, OrganisationKind.SECTOR_REFERENT}))

# Read top to bottom: the first class a demand fits is its class.
PRIORITY_CLASSES = (HEALTHCARE_FIRST, PUBLIC_SERVICE, PUBLIC_FACING, OTHER_COMPANIES)
LOWEST_RANK = max(c.rank for c in PRIORITY_CLASSES) + 1


def fits(priority_class, buyer_kind, category, public_facing):
    """Tell whether a demand of this buyer kind and category belongs to priority_class."""
    if buyer_kind not in priority_class.buyer_kinds:
        return False
    if priority_class.families is not None and family_of(category) not in priority_class.families:
        return False
    return public_facing or not priority_class.public_facing_only


def priority_of(buyer_kind, category, public_facing=False):
    """Return the priority class of a demand, or None when no class names this buyer kind."""
    return next((c for c in PRIORITY_CLASSES if fits(c, buyer_kind, category, public_facing)), None)


def priority_rank(buyer_kind, category, public_facing=False):
    """Return the rank the matcher serves a demand in: 1 first, unknown buyers last."""
    found = priority_of(buyer_kind, category, public_facing)
    return found.rank if found else LOWEST_RANK


def priority_label(rank):
    """Return the name of a rank's class."""
    return next((c.label for c in PRIORITY_CLASSES if c.rank == rank), N_("Other buyers"))
