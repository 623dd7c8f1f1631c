"""Sign-up, email confirmation, password reset, invitations and administrators."""
import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, update

from .. import clock
from ..domain.errors import DomainError, ErrorCode, N_
from ..domain.geography import is_in_region, regions
from ..domain.organisations import AuthorityType, OrganisationKind, normalise_siret
from ..domain.roles import Role, member_role_for
from ..extensions import db
from ..mail import notify
from ..mail.outbox import external_url
from ..models import Invitation, Organisation, PasswordResetToken, User
from ..models.user import check_password_of_nobody
from ..tokens import make_token, read_token


def find_user_by_email(email):
    """Return the user with this email address (case-insensitive), or None."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def _ensure_email_free(email):
    if find_user_by_email(email) is not None:
        raise DomainError(N_("An account already exists with this email address."), ErrorCode.CONFLICT, field="email")


def _check_organisation_fields(data):
    siret = normalise_siret(data["siret"])
    if db.session.scalar(select(Organisation.id).where(Organisation.siret == siret)):
        raise DomainError(N_("An organisation with this SIRET is already registered."), ErrorCode.CONFLICT, field="siret")
    if not is_in_region(data["departement_code"], data["region_code"]):
        raise DomainError(N_("This département is not in the chosen region."), field="departement_code")
    if data["kind"] == OrganisationKind.SECTOR_REFERENT and not data.get("sector"):
        raise DomainError(N_("A sector referent must choose its sector."), field="sector")
    if data["kind"] == OrganisationKind.LOCAL_AUTHORITY and not data.get("authority_type"):
        raise DomainError(N_("A local authority must say which kind it is."), field="authority_type")
    return siret


def register_organisation(data, locale="fr"):
    """Create an organisation and its owner, then mail the owner a confirmation link.

    An address that already has an account gets a mail saying so, and nothing is created: the
    caller answers the same either way, so the form does not tell who has an account. Return the
    new owner, or None.
    """
    siret = _check_organisation_fields(data)
    existing = find_user_by_email(data["email"])
    if existing is not None:
        check_password_of_nobody(data["password"])  # the time a new account's hash would take
        notify(existing, "already_registered")
        db.session.commit()
        return None
    kind = OrganisationKind(data["kind"])
    organisation = Organisation(
        name=data["name"].strip(),
        siret=siret,
        kind=kind,
        sector=data.get("sector") if kind == OrganisationKind.SECTOR_REFERENT else None,
        authority_type=AuthorityType(data["authority_type"]) if kind == OrganisationKind.LOCAL_AUTHORITY else None,
        region_code=data["region_code"],
        departement_code=data["departement_code"],
        headcount=data["headcount"],
    )
    owner = User(
        email=data["email"].strip().lower(),
        full_name=data["full_name"].strip(),
        role=member_role_for(kind),
        organisation=organisation,
        is_owner=True,
        locale=locale,
    )
    owner.set_password(data["password"])
    db.session.add_all([organisation, owner])
    db.session.flush()
    _mail_confirmation_link(owner)
    db.session.commit()
    return owner


def _mail_confirmation_link(user):
    token = make_token("confirm", {"user": user.id, "email": user.email})
    link = external_url("auth.confirm_email", token=token)
    notify(user, "confirm_email", user=user, link=link)


def send_confirmation_email(user):
    """Mail the user a signed link that confirms their address."""
    _mail_confirmation_link(user)
    db.session.commit()


def confirm_email(token):
    """Mark the address in a confirmation token as confirmed and return its user."""
    payload = read_token("confirm", token, current_app.config["EMAIL_TOKEN_MAX_AGE"])
    user = db.session.get(User, payload["user"])
    if user is None or user.email != payload["email"]:
        raise DomainError(N_("This link is not valid."))
    if user.email_confirmed_at is None:
        user.email_confirmed_at = clock.utcnow()
        db.session.commit()
    return user


def authenticate(email, password):
    """Return the user for these credentials, or raise a DomainError."""
    user = find_user_by_email(email)
    # An unknown address costs a password check too: the answer's delay does not tell it apart.
    if not (user.check_password(password) if user is not None else check_password_of_nobody(password)):
        raise DomainError(N_("Wrong email address or password."), ErrorCode.FORBIDDEN)
    if not user.email_confirmed:
        raise DomainError(
            N_("Please confirm your email address first: we sent you a link."), ErrorCode.FORBIDDEN
        )
    return user


def request_password_reset(email):
    """Mail a single-use reset link if the address belongs to a user; say nothing either way.

    The link carries a random token of which only the SHA-256 is stored; any earlier link of the
    user stops working.
    """
    user = find_user_by_email(email)
    if user is None:
        return
    db.session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=clock.utcnow(), superseded=True)
    )
    token = secrets.token_urlsafe(32)
    db.session.add(PasswordResetToken(user=user, token_hash=_digest(token)))
    link = external_url("auth.reset_password", token=token)
    notify(user, "reset_password", user=user, link=link)
    db.session.commit()


def _digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def _reset_token(token):
    """Return the stored reset token for a link's token, or raise if it is unknown, used, replaced or expired."""
    stored = db.session.scalar(select(PasswordResetToken).where(PasswordResetToken.token_hash == _digest(token)))
    if stored is None:
        raise DomainError(N_("This link is not valid."), ErrorCode.INVALID)
    if stored.superseded:
        raise DomainError(N_("A newer link has been sent to you since: please use the last one."), ErrorCode.EXPIRED)
    if stored.used_at is not None:
        raise DomainError(N_("This link has already been used."), ErrorCode.EXPIRED)
    max_age = timedelta(seconds=current_app.config["PASSWORD_RESET_MAX_AGE"])
    if clock.utcnow() - stored.created_at > max_age:
        raise DomainError(N_("This link has expired. Please ask for a new one."), ErrorCode.EXPIRED)
    return stored


def user_from_reset_token(token):
    """Return the user a reset token is for, or raise if it is invalid, expired, used or replaced."""
    return _reset_token(token).user


def reset_password(token, new_password):
    """Set a new password from a valid reset token, used up at once, and return the user."""
    stored = _reset_token(token)
    claimed = db.session.execute(  # two submissions at once: only one finds the token unused
        update(PasswordResetToken)
        .where(PasswordResetToken.id == stored.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=clock.utcnow())
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        raise DomainError(N_("This link has already been used."), ErrorCode.EXPIRED)
    user = stored.user
    user.set_password(new_password)
    user.end_all_sessions()  # whoever held a session or a remember cookie must log in with the new password
    # Whoever can read the inbox has proved the address.
    user.email_confirmed_at = user.email_confirmed_at or clock.utcnow()
    db.session.commit()
    return user


def invite_colleague(owner, email):
    """Invite a colleague by email to join the owner's organisation; return the invitation.

    An address that already has an account is mailed that it has one instead (no link to join), and
    None is returned: the owner's page reads the same, so it does not tell who has an account.
    """
    if not owner.is_owner or owner.organisation is None:
        raise DomainError(N_("Only the owner of an organisation can invite colleagues."), ErrorCode.FORBIDDEN)
    invitation = Invitation(organisation=owner.organisation, email=email.strip().lower(), invited_by=owner)
    existing = find_user_by_email(email)
    if existing is not None:
        notify(existing, "already_registered", invitation=invitation)  # rendered, never saved
        db.session.commit()
        return None
    db.session.add(invitation)
    db.session.flush()
    token = make_token("invite", {"invitation": invitation.id})
    link = external_url("auth.accept_invitation", token=token)
    notify(
        invitation.email,
        "invitation",
        owner.locale,
        invitation=invitation,
        link=link,
        subject_params={"organisation": owner.organisation.name},
    )
    db.session.commit()
    return invitation


def invitation_from_token(token):
    """Return the pending invitation a token points to."""
    payload = read_token("invite", token, current_app.config["INVITATION_MAX_AGE"])
    invitation = db.session.get(Invitation, payload["invitation"])
    if invitation is None or not invitation.is_pending:
        raise DomainError(N_("This invitation has already been used."), ErrorCode.EXPIRED)
    return invitation


def accept_invitation(token, full_name, password, locale="fr"):
    """Create the invited colleague's account, confirmed since the link reached their inbox."""
    invitation = invitation_from_token(token)
    _ensure_email_free(invitation.email)
    user = User(
        email=invitation.email,
        full_name=full_name.strip(),
        role=member_role_for(invitation.organisation.kind),
        organisation=invitation.organisation,
        locale=locale,
        email_confirmed_at=clock.utcnow(),
    )
    user.set_password(password)
    invitation.accepted_at = clock.utcnow()
    db.session.add(user)
    db.session.commit()
    return user


def create_admin(email, full_name, password, region_code=None):
    """Create a regional administrator (with a region) or a national one (without)."""
    if region_code is not None and region_code not in regions():
        raise DomainError(N_("Unknown region code %(region)s."), field="region", region=region_code)
    _ensure_email_free(email)
    user = User(
        email=email.strip().lower(),
        full_name=full_name,
        role=Role.REGIONAL_ADMIN if region_code else Role.NATIONAL_ADMIN,
        admin_region_code=region_code,
        email_confirmed_at=clock.utcnow(),
    )
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def end_all_sessions(user):
    """Make every session and remember cookie of user stop working."""
    user.end_all_sessions()
    db.session.commit()


def set_locale(user, locale):
    """Remember the user's language for pages and mail."""
    user.locale = locale
    db.session.commit()
