"""Sign-up, log-in, email confirmation, password reset and invitations."""
from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..domain.errors import DomainError
from ..services import accounts
from ..web.access import public, signed_in
from ..web.forms import apply_domain_error
from ..web.navigation import area_url, is_safe_redirect, locale_of_request
from ..web.throttle import forgive_this_request, per_address, per_submitted_email, per_user
from . import bp
from .forms import AcceptInvitationForm, EmailForm, LoginForm, ResetPasswordForm, SignupForm


@bp.route("/signup", methods=["GET", "POST"])
@per_address("SIGNUP_RATE_LIMIT")
@public
def signup():
    """Register an organisation and its owner."""
    form = SignupForm()
    if form.validate_on_submit():
        try:
            accounts.register_organisation(form.data, locale=locale_of_request())
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            flash(_("Your organisation is registered. We sent you an email to confirm your address."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/signup.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@per_address("LOGIN_RATE_LIMIT")
@per_submitted_email("LOGIN_ACCOUNT_RATE_LIMIT")
@public
def login():
    """Log a user in."""
    if current_user.is_authenticated:
        return redirect(area_url(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            forgive_this_request()  # only failures count towards the limit
            login_user(user, remember=form.remember.data)
            if session.get("locale") in current_app.config["LANGUAGES"] and session["locale"] != user.locale:
                accounts.set_locale(user, session["locale"])  # the language chosen before logging in
            flash(_("You are logged in. Welcome, %(name)s.", name=user.full_name), "success")
            target = request.args.get("next")
            return redirect(target if is_safe_redirect(target) else area_url(user))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@signed_in
def logout():
    """Log the current user out."""
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("public.home"))


@bp.post("/logout-everywhere")
@signed_in
def logout_everywhere():
    """End every session of the current user, on every device, remember cookies included."""
    accounts.end_all_sessions(current_user)
    logout_user()
    flash(_("You are logged out of all your devices."), "info")
    return redirect(url_for("auth.login"))


@bp.get("/confirm/<token>")
@public
def confirm_email(token):
    """Confirm an email address from the link we mailed."""
    try:
        accounts.confirm_email(token)
    except DomainError as error:
        flash(_(error.message, **error.params), "danger")
        return redirect(url_for("auth.resend_confirmation"))
    flash(_("Your email address is confirmed. You can log in."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/resend-confirmation", methods=["GET", "POST"])
@per_address("MAIL_LINK_RATE_LIMIT")
@per_submitted_email("MAIL_LINK_RECIPIENT_RATE_LIMIT")
@public
def resend_confirmation():
    """Send a new confirmation link."""
    form = EmailForm()
    if form.validate_on_submit():
        user = accounts.find_user_by_email(form.email.data)
        if user is not None and not user.email_confirmed:
            accounts.send_confirmation_email(user)
        flash(_("If an unconfirmed account uses this address, a new link is on its way."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/email_form.html", form=form, title=_("Resend the confirmation email"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@per_address("MAIL_LINK_RATE_LIMIT")
@per_submitted_email("MAIL_LINK_RECIPIENT_RATE_LIMIT")
@public
def forgot_password():
    """Ask for a password reset link."""
    form = EmailForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data)
        flash(_("If an account uses this address, a reset link is on its way."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/email_form.html", form=form, title=_("Forgot your password?"))


@bp.route("/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token):
    """Choose a new password from a reset link."""
    try:
        accounts.user_from_reset_token(token)
    except DomainError as error:
        return render_template("auth/reset_password.html", form=None, error=_(error.message, **error.params))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(token, form.password.data)
        except DomainError as error:
            flash(_(error.message, **error.params), "danger")
            return redirect(url_for("auth.forgot_password"))
        flash(_("Your password has been changed. You can log in."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)


@bp.route("/account", methods=["GET", "POST"])
@signed_in
@per_user("INVITATION_RATE_LIMIT")
def account():
    """Show the user's organisation, its members, and let the owner invite colleagues."""
    form = EmailForm()
    if current_user.is_owner and form.validate_on_submit():
        try:
            accounts.invite_colleague(current_user, form.email.data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            flash(_("Invitation sent to %(email)s.", email=form.email.data), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token):
    """Join an organisation from an invitation link."""
    try:
        invitation = accounts.invitation_from_token(token)
    except DomainError as error:
        flash(_(error.message, **error.params), "danger")
        return redirect(url_for("public.home"))
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            user = accounts.accept_invitation(token, form.full_name.data, form.password.data, locale_of_request())
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            login_user(user)
            flash(_("Welcome to %(organisation)s.", organisation=invitation.organisation.name), "success")
            return redirect(url_for("public.home"))
    return render_template("auth/accept_invitation.html", form=form, invitation=invitation)
