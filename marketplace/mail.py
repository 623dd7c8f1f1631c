"""Outgoing mail, one way to send: `notify` writes an outbox row in the caller's transaction.

The row is rendered at once (in the recipient's language) and sent by a Celery task queued only
after the transaction commits, so an event rolled back sends nothing.
"""
import logging
import smtplib
import ssl
import uuid
from dataclasses import dataclass
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr, parseaddr
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app, has_request_context, render_template, url_for
from flask_babel import force_locale, gettext
from sqlalchemy import event as sa_event
from sqlalchemy import inspect, select

from .domain.masks import category_label
from .domain.notifications import Delivery, EVENTS, Status
from .extensions import db
from .models import MailPreference, Notification, User
from .queue import enqueue
from .services.tokens import make_token

log = logging.getLogger(__name__)
# SMTP wants CRLF; long headers (the unsubscribe URL) stay on one line, unbroken.
WIRE = compat32.clone(max_line_length=None, linesep="\r\n")
QUEUED = "outbox_queued"


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
    """Build an absolute link: the request's host in a request, SITE_URL elsewhere (tasks, CLI)."""
    values.pop("_external", None)
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
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


def build_message(notification):
    """Turn an outbox row into the bytes of its MIME message, identical on every attempt."""
    # The compat32 classes build a message about four times faster than EmailMessage.
    message = MIMEMultipart("alternative")
    message["Subject"] = Header(notification.subject, "utf-8")
    message["From"] = formataddr(parseaddr(current_app.config["MAIL_DEFAULT_SENDER"]), "utf-8")
    message["To"] = notification.to_address
    message["Date"] = format_datetime(notification.created_at)
    message["Message-ID"] = notification.message_id
    message["Auto-Submitted"] = "auto-generated"
    if notification.unsubscribe_url:
        # RFC 8058 one-click: mail clients POST "List-Unsubscribe=One-Click" to the URL.
        message["List-Unsubscribe"] = f"<{notification.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.attach(MIMEText(notification.body_text, "plain", "utf-8"))
    message.attach(MIMEText(notification.body_html, "html", "utf-8"))
    return Outgoing(notification.id, notification.to_address, message.as_bytes(policy=WIRE))


@dataclass(frozen=True)
class Outgoing:
    """A message ready for the wire: its row, its recipient and its bytes."""

    notification_id: int
    to_address: str
    content: bytes


# --- transports: one connection for a whole batch ---------------------------------------------


class SmtpTransport:
    """One SMTP connection (STARTTLS and login when configured), reused for every mail of a batch."""

    def __init__(self, config):
        self.config = config
        self.smtp = None

    def __enter__(self):
        config = self.config
        self.smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT_SECONDS"])
        if config["MAIL_USE_STARTTLS"]:
            self.smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            self.smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        return self

    def send(self, outgoing):
        sender = parseaddr(self.config["MAIL_DEFAULT_SENDER"])[1]
        self.smtp.sendmail(sender, [outgoing.to_address], outgoing.content)

    def __exit__(self, *exc):
        try:
            self.smtp.quit()
        except (smtplib.SMTPException, OSError):
            self.smtp.close()


class OutboxTransport:
    """The embedded default: each mail is an .eml file under OUTBOX_DIR, named by its row, so a resend overwrites it."""

    def __init__(self, config):
        self.folder = Path(config["OUTBOX_DIR"])

    def __enter__(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        return self

    def send(self, outgoing):
        (self.folder / f"{outgoing.notification_id:09d}.eml").write_bytes(outgoing.content)

    def __exit__(self, *exc):
        return None


def open_transport():
    """Return the configured transport: SMTP when MAIL_SERVER is set, else the .eml outbox."""
    config = current_app.config
    return SmtpTransport(config) if config["MAIL_SERVER"] else OutboxTransport(config)


# --- queueing after commit -------------------------------------------------------------------


def send_after_commit(notification):
    """Queue the send task for notification once the session's transaction commits."""
    db.session.info.setdefault(QUEUED, []).append(notification)


def queue_sends(ids):
    """Queue send tasks for ids in batches; if the broker is unreachable the sweep sends them later."""
    size = current_app.config["MAIL_BATCH_SIZE"]
    for start in range(0, len(ids), size):
        try:
            enqueue("mail.send", ids[start:start + size])
        except Exception:  # the rows are committed: the periodic sweep sends them
            # Each failed publish waits out the retry policy; the next batches would wait as long, for nothing.
            left = ids[start:]
            log.exception("could not queue the mail of %d notification(s), first ids %s; the sweep will send it",
                          len(left), left[:5])
            return


@sa_event.listens_for(db.session, "after_commit")
def _queue_committed(session):
    queued = session.info.pop(QUEUED, [])
    ids = [state.identity[0] for state in map(inspect, queued) if state.identity and not state.was_deleted]
    if ids:
        queue_sends(ids)


@sa_event.listens_for(db.session, "after_rollback")
def _forget_rolled_back(session):
    session.info.pop(QUEUED, None)
