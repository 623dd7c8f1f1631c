"""Which mails a user gets: the preferences page, and the one-click unsubscribe link of every mail."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain.errors import DomainError
from ..domain.notifications import DELIVERY_LABELS, TOPIC_LABELS, Topic
from ..extensions import csrf
from ..services import notifications
from ..web.access import public, signed_in
from . import bp
from .forms import MailPreferencesForm

PreferencesForm = MailPreferencesForm.for_topics(Topic, DELIVERY_LABELS, TOPIC_LABELS)


@bp.route("/account/mail", methods=["GET", "POST"])
@signed_in
def mail_preferences():
    """Let the user choose, per topic, mail right away, in a daily digest, or none."""
    form = PreferencesForm(data={str(t): str(d) for t, d in notifications.preferences_of(current_user).items()})
    if form.validate_on_submit():
        notifications.save_preferences(current_user, {str(t): form[str(t)].data for t in Topic})
        flash(_("Your mail preferences are saved."), "success")
        return redirect(url_for("auth.mail_preferences"))
    return render_template("auth/mail_preferences.html", form=form, topics=[str(t) for t in Topic])


# Mail clients POST here without a session or CSRF token (RFC 8058); the signed token is the proof.
@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
@public
def unsubscribe(token):
    """Ask for confirmation (GET, which link scanners follow), then turn the topic off (POST)."""
    if request.method == "GET":
        return render_template("auth/unsubscribe.html", token=token)
    try:
        _user, topic = notifications.unsubscribe(token)
    except DomainError as error:
        flash(_(error.message, **error.params), "danger")
        return redirect(url_for("public.home"))
    return render_template("auth/unsubscribe.html", done=True, topic_label=_(TOPIC_LABELS[topic]))
