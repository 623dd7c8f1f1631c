"""Access checks for views: role decorators, and 403 or 404 when a rule of domain.access refuses."""
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from ..domain.access import can_act_for, can_administer_region, can_see_order, can_see_pool
from ..domain.roles import Role


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


admin_required = roles_required(Role.REGIONAL_ADMIN, Role.NATIONAL_ADMIN)
producer_required = roles_required(Role.PRODUCER_MEMBER)
buyer_required = roles_required(Role.BUYER_MEMBER)


def ensure_region(region_code):
    """Abort with 403 unless the current user administers region_code."""
    if not can_administer_region(current_user, region_code):
        abort(403)


def ensure_member_of(organisation_id):
    """Abort with 404 unless the current user belongs to the organisation (ids are not revealed)."""
    if not can_act_for(current_user, organisation_id):
        abort(404)


def ensure_can_see_pool(pool, by_link=False):
    """Abort with 404 unless the current user may see the pool (ids are not revealed)."""
    if pool is None or not can_see_pool(current_user, pool, by_link):
        abort(404)


def ensure_document_access(organisation_id, region_code):
    """Let an organisation's members and its region's administrators through; 403 for other admins, 404 for others."""
    if current_user.is_admin:
        ensure_region(region_code)
    else:
        ensure_member_of(organisation_id)


def ensure_can_see_order(order):
    """Abort with 404 unless the current user may see the order; 403 for other regions' administrators."""
    if order is None:
        abort(404)
    if current_user.is_admin:
        ensure_region(order.buyer_organisation.region_code)
    elif not can_see_order(current_user, order):
        abort(404)
