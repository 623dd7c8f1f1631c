"""Administrators' view of outgoing mail: dead letters to retry, and the embedded outbox."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from ..domain.errors import DomainError, ErrorCode
from ..services import notifications
from ..web.access import admin_required
from ..web.fields import bounded_int
from . import bp


@bp.get("/mail/dead-letters")
@admin_required
def dead_letters():
    """List the mails given up on in the administrator's regions, each with a retry button."""
    page = request.args.get("page", 1, type=bounded_int)
    return render_template(
        "admin/mail_dead_letters.html",
        pagination=notifications.dead_letters(current_user, page),
        retry_form=FlaskForm(),
    )


@bp.post("/mail/<int:notification_id>/retry")
@admin_required
def retry_dead_letter(notification_id):
    """Put a dead letter back in the outbox."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        notifications.retry_dead_letter(current_user, notification_id)
    except DomainError as error:
        abort(404 if error.code == ErrorCode.NOT_FOUND else 409)
    flash(_("The mail is back in the outbox."), "success")
    return redirect(url_for("admin.dead_letters"))


@bp.get("/mail/outbox")
@admin_required
def outbox():
    """List the .eml files the embedded default wrote instead of sending (no MAIL_SERVER)."""
    if current_app.config["MAIL_SERVER"]:
        abort(404)
    return render_template("admin/mail_outbox.html", files=notifications.outbox_files(current_user))
