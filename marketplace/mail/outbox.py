"""Writing a mail: `notify` renders it in the recipient's language and adds its outbox row to the
caller's transaction; the row is sent by a task queued once that transaction commits (mail.hooks).
"""
import uuid
from email.utils import parseaddr
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale, gettext
from sqlalchemy import select

from ..domain.masks import category_label
from ..domain.notifications import Delivery, EVENTS, Status
from ..extensions import db
from ..models import MailPreference, Notification, User
from ..tokens import make_token
from .hooks import send_after_commit


def notify(recipient, event, locale=None, subject_params=None, **context):
    """Add the mail of `event` for recipient (a User or an address) to the session, sent after commit.

    Return the Notification, or None when the user turned the event's topic off.
    """
    spec = EVENTS[event]
    user = recipient if isinstance(recipient, User) else None
    delivery = delivery_for(user, spec.topic)
    if delivery == Delivery.OFF:
        return None
    locale = locale or (user.locale if user else current_app.config["BABEL_DEFAULT_LOCALE"])
    unsubscribe_url = unsubscribe_link(user, spec.topic) if user and spec.topic else None
    subject, text, html = render(event, locale, subject_params or {}, unsubscribe_url=unsubscribe_url, **context)
    notification = Notification(
        event=event,
        user=user,
        to_address=user.email if user else recipient,
        region_code=_region_of(user),
        locale=locale,
        subject=subject,
        body_text=text,
        body_html=html,
        unsubscribe_url=unsubscribe_url,
        message_id=new_message_id(),
        status=Status.HELD if delivery == Delivery.DIGEST else Status.PENDING,
        attempts=0,
    )
    db.session.add(notification)
    if notification.status == Status.PENDING:
        send_after_commit(notification)
    return notification


def delivery_for(user, topic):
    """Return how user wants the mails of topic: essential mails and addresses always right away."""
    if user is None or topic is None or user.id is None:
        return Delivery.IMMEDIATE
    choice = db.session.scalar(
        select(MailPreference.delivery).where(MailPreference.user_id == user.id, MailPreference.topic == topic)
    )
    return Delivery(choice) if choice else Delivery.IMMEDIATE


def unsubscribe_link(user, topic):
    """Return the signed link that turns one topic off for user, without logging in."""
    token = make_token("unsubscribe", {"user": user.id, "topic": str(topic)})
    return external_url("auth.unsubscribe", token=token)


def external_url(endpoint, **values):
    """Build an absolute link on SITE_URL, never on the request's Host header (which the client chooses)."""
    values.pop("_external", None)
    site = urlsplit(current_app.config["SITE_URL"])
    adapter = current_app.url_map.bind(site.netloc, script_name=site.path or "/", url_scheme=site.scheme)
    return adapter.build(endpoint, values, force_external=True)


def render(event, locale, subject_params, unsubscribe_url=None, **context):
    """Return the subject, text and HTML of an event's mail in locale."""
    context.update(url_for=external_url, unsubscribe_url=unsubscribe_url)
    with force_locale(locale):
        subject = gettext(EVENTS[event].subject, **_readable(subject_params))
        text = render_template(f"emails/{event}.txt", **context)
        html = render_template(f"emails/{event}.html", **context)
        if unsubscribe_url:
            text += render_template("emails/_unsubscribe.txt", **context)
            html += render_template("emails/_unsubscribe.html", **context)
    return subject, text, html


def _readable(subject_params):
    """Name the mask category of a subject (its "category" parameter is a code) in the mail's language."""
    if "category" not in subject_params:
        return subject_params
    return subject_params | {"category": gettext(category_label(subject_params["category"]))}


def _region_of(user):
    if user is None:
        return None
    return user.organisation.region_code if user.organisation is not None else user.admin_region_code


def new_message_id():
    """Return a Message-ID of our own domain, unique and kept for every resend of the mail."""
    domain = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1].rpartition("@")[2] or "localhost"
    return f"<{uuid.uuid4().hex}@{domain}>"
