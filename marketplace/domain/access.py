"""Who may see and do what: pure predicates on a user's role, region and organisation.

Views turn a refusal into 403 or 404 (marketplace.web.access); services check the same predicates
before they change anything.
"""
from .geography import regions
from .organisations import OrganisationKind
from .pools import PoolKind
from .roles import ADMIN_ROLES, Role


def can_administer_region(user, region_code):
    """Tell whether user administers region_code: national admins everywhere, regional ones at home."""
    if user.role == Role.NATIONAL_ADMIN:
        return True
    return user.role == Role.REGIONAL_ADMIN and user.admin_region_code == region_code


def administered_region_codes(user):
    """Return the region codes user administers."""
    return [code for code in regions() if can_administer_region(user, code)]


def can_act_for(user, organisation_id):
    """Tell whether user is a member of the organisation."""
    return user.organisation_id is not None and user.organisation_id == organisation_id


def can_see_pool(user, pool, by_link=False):
    """Tell whether user's organisation runs a pool, joined it, or may join it (sector pools, or by link)."""
    organisation = user.organisation
    if organisation is None:
        return False
    if pool.organisation_id == organisation.id or pool.membership_of(organisation.id) is not None:
        return True
    joinable = pool.is_open and organisation.kind == OrganisationKind.COMPANY
    return joinable and (by_link or pool.kind == PoolKind.SECTOR)


def can_see_order(user, order):
    """Tell whether user may see an order: both sides' members, and the buyer's region's administrators."""
    if user.role in ADMIN_ROLES:
        return can_administer_region(user, order.buyer_organisation.region_code)
    return user.organisation_id in (order.buyer_organisation_id, order.seller_organisation_id)
