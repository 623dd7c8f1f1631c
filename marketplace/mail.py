"""Outgoing mail: rendered from one template per event, delivered by one function."""
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale, gettext

from .domain.errors import N_

SUBJECTS = {
    "confirm_email": N_("Confirm your email address"),
    "reset_password": N_("Reset your password"),
    "invitation": N_("You are invited to join %(organisation)s"),
}


def send_templated_email(to, template, locale="fr", **context):
    """Render emails/<template>.txt and .html in the recipient's language and deliver them."""
    with force_locale(locale):
        subject = gettext(SUBJECTS[template], **context.get("subject_params", {}))
        text = render_template(f"emails/{template}.txt", **context)
        html = render_template(f"emails/{template}.html", **context)
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain="masques.example.fr")
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    deliver(message)
    return message


def deliver(message):
    """Write the message as an .eml file in the outbox directory (the embedded default)."""
    outbox = Path(current_app.config["OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    path = outbox / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
    path.write_bytes(bytes(message))
    return path

