"""Where mail goes: an SMTP server (one connection per batch), or .eml files in the embedded default."""
import smtplib
import ssl
from email.utils import parseaddr
from pathlib import Path

from flask import current_app


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
