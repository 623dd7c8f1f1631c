"""Who may do what: role and region checks, in one place, used by every view."""
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from .domain.geography import regions
from .domain.organisations import OrganisationKind
from .domain.pools import PoolKind
from .domain.roles import Role


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


def roles_required(*roles):
    """Let a view through only for logged-in users holding one of roles; others get 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def ensure_region(region_code):
    """Abort with 403 unless the current user administers region_code."""
    if not can_administer_region(current_user, region_code):
        abort(403)


def ensure_member_of(organisation_id):
    """Abort with 404 unless the current user belongs to the organisation (ids are not revealed)."""
    if not can_act_for(current_user, organisation_id):
        abort(404)


def can_see_pool(user, pool, by_link=False):
    """Tell whether user's organisation runs a pool, joined it, or may join it (sector pools, or by link)."""
    organisation = user.organisation
    if organisation is None:
        return False
    if pool.organisation_id == organisation.id or pool.membership_of(organisation.id) is not None:
        return True
    joinable = pool.is_open and organisation.kind == OrganisationKind.COMPANY
    return joinable and (by_link or pool.kind == PoolKind.SECTOR)


def ensure_can_see_pool(pool, by_link=False):
    """Abort with 404 unless the current user may see the pool (ids are not revealed)."""
    if pool is None or not can_see_pool(current_user, pool, by_link):
        abort(404)


admin_required = roles_required(Role.REGIONAL_ADMIN, Role.NATIONAL_ADMIN)
producer_required = roles_required(Role.PRODUCER_MEMBER)
buyer_required = roles_required(Role.BUYER_MEMBER)


def ensure_document_access(organisation_id, region_code):
    """Let an organisation's members and its region's administrators through; 403 for other admins, 404 for others."""
    if current_user.is_admin:
        ensure_region(region_code)
    else:
        ensure_member_of(organisation_id)


def can_see_order(user, order):
    """Tell whether user may see an order: both sides' members, and the buyer's region's administrators."""
    if user.is_admin:
        return can_administer_region(user, order.buyer_organisation.region_code)
    return user.organisation_id in (order.buyer_organisation_id, order.seller_organisation_id)


def ensure_can_see_order(order):
    """Abort with 404 unless the current user may see the order; 403 for other regions' administrators."""
    if order is None:
        abort(404)
    if current_user.is_admin:
        ensure_region(order.buyer_organisation.region_code)
    elif not can_see_order(current_user, order):
        abort(404)
