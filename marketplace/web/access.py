"""Access checks for views: role decorators, and 403 or 404 when a rule of domain.access refuses.

Every view declares who it lets through with one of the decorators below (`public`, `signed_in`,
`roles_required` and its named forms): each sets `view.access`, which the route × role test
(tests/web/test_access_walk.py) reads for every rule of the URL map, refusing a view without one.
"""
from dataclasses import dataclass
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from ..domain.access import can_act_for, can_administer_region, can_see_order, can_see_pool
from ..domain.organisations import OrganisationKind
from ..domain.roles import Role


@dataclass(frozen=True)
class Access:
    """Who a view lets through: visitors not logged in, which roles, and of which organisation kinds."""

    anonymous: bool = False
    roles: frozenset = frozenset(Role)
    kinds: frozenset | None = None  # None: any organisation kind (and administrators, who have none)

    def admits(self, user):
        """Tell whether user (None: a visitor not logged in) gets past the view's declared access."""
        if user is None:
            return self.anonymous
        if user.role not in self.roles:
            return False
        return self.kinds is None or (user.organisation is not None and user.organisation.kind in self.kinds)


PUBLIC = Access(anonymous=True)
SIGNED_IN = Access()


def public(view):
    """Declare a view open to everyone, logged in or not."""
    view.access = PUBLIC
    return view


def signed_in(view):
    """Let a view through for any logged-in user (its own checks decide about objects)."""
    wrapped = login_required(view)
    wrapped.access = SIGNED_IN
    return wrapped


def roles_required(*roles, kinds=None):
    """Let a view through only for logged-in users holding one of roles; others get 403.

    With kinds, only members of organisations of those kinds; other members get 404.
    """
    access = Access(roles=frozenset(roles), kinds=frozenset(kinds) if kinds else None)

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            if not access.admits(current_user):
                abort(404)
            return view(*args, **kwargs)

        wrapped.access = access
        return wrapped

    return decorator


admin_required = roles_required(Role.REGIONAL_ADMIN, Role.NATIONAL_ADMIN)
producer_required = roles_required(Role.PRODUCER_MEMBER)
buyer_required = roles_required(Role.BUYER_MEMBER)
# The State's contribution to masks bought is claimed by local authorities only (refunds).
local_authority_required = roles_required(Role.BUYER_MEMBER, kinds={OrganisationKind.LOCAL_AUTHORITY})


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
