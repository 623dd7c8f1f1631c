"""Sending the outbox: claim, send, mark sent, retry with backoff, dead letters, sweep and digest."""
import email
import logging
import smtplib
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from email import policy
from itertools import groupby
from pathlib import Path

from flask import current_app
from sqlalchemy import select, text, update

from .. import clock
from ..domain.access import can_administer_region
from ..domain.errors import DomainError, ErrorCode, N_
from ..domain.notifications import Delivery, EVENTS, Status, Topic, is_permanent_smtp_code, retry_delay
from ..extensions import db
from ..mail import notify
from ..mail.hooks import send_after_commit
from ..mail.message import build_message
from ..mail.transports import open_transport
from ..models import MailPreference, Notification, User
from ..tokens import read_token

log = logging.getLogger(__name__)
# Errors after which the connection cannot carry the rest of the batch. smtplib's errors are
# OSErrors too, so a reply refusing one mail is told apart before these are (send_notifications).
CONNECTION_ERRORS = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, OSError)


@dataclass
class BatchOutcome:
    """What a send batch did: how many went out, and which rows to try again after how long."""

    sent: int = 0
    retry_ids: list = field(default_factory=list)
    retry_after: float | None = None


def claim(ids):
    """Mark the due, pending rows among ids as being sent by us, commit, and return them."""
    now, token = clock.utcnow(), uuid.uuid4().hex
    due = (
        select(Notification.id)
        .where(Notification.id.in_(ids), Notification.status == Status.PENDING, Notification.next_attempt_at <= now)
        .with_for_update(skip_locked=True)  # PostgreSQL; SQLite serialises writers, and the token decides
    )
    free = db.session.scalars(due).all()
    if free:
        db.session.execute(
            update(Notification)
            .where(Notification.id.in_(free), Notification.status == Status.PENDING)
            .values(status=Status.SENDING, claim_token=token, claimed_at=now, attempts=Notification.attempts + 1),
            execution_options={"synchronize_session": False},
        )
    db.session.commit()
    mine = select(Notification).where(Notification.claim_token == token, Notification.status == Status.SENDING)
    return db.session.scalars(mine.order_by(Notification.id)).all()


def send_notifications(ids):
    """Send the pending rows among ids over one connection, marking each sent right after it goes."""
    claimed = claim(ids)
    outcome = BatchOutcome()
    if not claimed:
        return outcome
    batch = [(row.attempts, build_message(row)) for row in claimed]
    db.session.expunge_all()  # every later commit would otherwise expire them all again
    handled = set()
    try:
        with open_transport() as transport:
            for attempts, outgoing in batch:
                try:
                    transport.send(outgoing)
                except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError):
                    raise
                except smtplib.SMTPException as error:  # a reply about this mail alone: the batch goes on
                    _record_failure(outcome, outgoing.notification_id, attempts, error)
                else:
                    _mark_sent(outgoing.notification_id)
                    outcome.sent += 1
                handled.add(outgoing.notification_id)
    except (*CONNECTION_ERRORS, smtplib.SMTPException) as error:
        for attempts, outgoing in batch:
            if outgoing.notification_id not in handled:
                _record_failure(outcome, outgoing.notification_id, attempts, error)
    return outcome


def _mark_sent(row_id):
    # On the table, not the ORM: this runs once per mail and the ORM's bookkeeping is not needed.
    table = Notification.__table__
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        # Losing this mark in a database crash only means the mail goes again, with the same Message-ID.
        connection.execute(text("SET LOCAL synchronous_commit TO OFF"))
    connection.execute(
        table.update()
        .where(table.c.id == row_id, table.c.status != Status.SENT)
        .values(status=Status.SENT, sent_at=clock.utcnow(), claim_token=None, last_error=None)
    )
    db.session.commit()


def _smtp_code(error):
    if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        return next(iter(error.recipients.values()))[0]
    return getattr(error, "smtp_code", None)


def _record_failure(outcome, row_id, attempts, error):
    config = current_app.config
    permanent = is_permanent_smtp_code(_smtp_code(error))
    # Bandit B105 reads "claim_token" as a password: it is the column of the worker claiming the row.
    values = {"claim_token": None, "last_error": f"{type(error).__name__}: {error}"[:500]}  # nosec B105
    log.warning("mail %s failed (attempt %s): %s", row_id, attempts, values["last_error"])
    if permanent or attempts >= config["MAIL_MAX_ATTEMPTS"]:
        values["status"] = Status.DEAD
    else:
        delay = retry_delay(attempts, config["MAIL_RETRY_BASE_SECONDS"], config["MAIL_RETRY_MAX_SECONDS"])
        values.update(status=Status.PENDING, next_attempt_at=clock.utcnow() + timedelta(seconds=delay))
        outcome.retry_ids.append(row_id)
        outcome.retry_after = min(delay, outcome.retry_after or delay)
    db.session.execute(
        update(Notification).where(Notification.id == row_id).values(**values),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()


def sweep_outbox():
    """Release rows whose worker died mid-send and return the ids due but left unsent (lost tasks)."""
    config, now = current_app.config, clock.utcnow()
    stale = now - timedelta(seconds=config["MAIL_CLAIM_TIMEOUT_SECONDS"])
    db.session.execute(
        update(Notification)
        .where(Notification.status == Status.SENDING, Notification.claimed_at < stale)
        .values(status=Status.PENDING, claim_token=None),
        execution_options={"synchronize_session": False},
    )
    settled = now - timedelta(seconds=config["MAIL_SWEEP_GRACE_SECONDS"])
    ids = db.session.scalars(
        select(Notification.id)
        .where(Notification.status == Status.PENDING, Notification.next_attempt_at <= settled)
        .order_by(Notification.id)
        .limit(20 * config["MAIL_BATCH_SIZE"])
    ).all()
    db.session.commit()
    return list(ids)


def send_digests():
    """Gather each user's held mails into one digest, sent after commit; return how many digests."""
    held = db.session.scalars(
        select(Notification)
        .where(Notification.status == Status.HELD)
        .order_by(Notification.user_id, Notification.id)
        .with_for_update(skip_locked=True)
    ).all()
    count = 0
    for user_id, rows in groupby(held, key=lambda row: row.user_id):
        rows = list(rows)
        digest = notify(db.session.get(User, user_id), "digest", items=rows)
        db.session.flush()
        for row in rows:
            row.status, row.digest_id = Status.DIGESTED, digest.id
        count += 1
    db.session.commit()
    return count


# --- administrators: dead letters and the embedded outbox ------------------------------------


def _visible_to(admin):
    if admin.is_national_admin:
        return True
    return Notification.region_code == admin.admin_region_code


def dead_letters(admin, page=1, per_page=50):
    """Return a page of the notifications given up on, in the regions admin looks after."""
    query = (
        select(Notification)
        .where(Notification.status == Status.DEAD, _visible_to(admin))
        .order_by(Notification.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def retry_dead_letter(admin, notification_id):
    """Put a dead letter back in the outbox with fresh attempts; it is queued after commit."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or not can_administer_region(admin, notification.region_code):
        raise DomainError(N_("This mail does not exist."), ErrorCode.NOT_FOUND)
    if not notification.is_dead:
        raise DomainError(N_("This mail is not in the dead letters."), ErrorCode.CONFLICT)
    notification.status, notification.attempts, notification.next_attempt_at = Status.PENDING, 0, clock.utcnow()
    send_after_commit(notification)
    db.session.commit()
    return notification


@dataclass(frozen=True)
class OutboxFile:
    name: str
    subject: str
    to: str
    date: str
    text: str


def outbox_files(admin, limit=200):
    """Return the newest .eml files of the embedded outbox that admin may read; text None when secret."""
    folder = Path(current_app.config["OUTBOX_DIR"])
    paths = sorted(folder.glob("*.eml"), reverse=True)[:limit] if folder.exists() else []
    messages = {path.name: email.message_from_bytes(path.read_bytes(), policy=policy.default) for path in paths}
    events = dict(
        db.session.execute(
            select(Notification.message_id, Notification.event).where(
                Notification.message_id.in_([m["Message-ID"] for m in messages.values()]), _visible_to(admin)
            )
        ).all()
    )
    return [
        OutboxFile(name, m["Subject"], m["To"], m["Date"].datetime if m["Date"] else None, _readable_text(m, events[m["Message-ID"]]))
        for name, m in messages.items()
        if m["Message-ID"] in events
    ]


def _readable_text(message, event):
    spec = EVENTS.get(event)
    # A digest is built from muted-able mails only, none of which carries a secret.
    return None if spec is None or spec.carries_secret else message.get_body(("plain",)).get_content()


# --- users: preferences and one-click unsubscribe ------------------------------------------


def preferences_of(user):
    """Return how user gets each topic's mails."""
    chosen = dict(db.session.execute(
        select(MailPreference.topic, MailPreference.delivery).where(MailPreference.user_id == user.id)
    ).all())
    return {topic: Delivery(chosen.get(topic, Delivery.IMMEDIATE)) for topic in Topic}


def set_preference(user, topic, delivery):
    """Remember how user wants one topic's mails (no commit)."""
    preference = db.session.scalar(
        select(MailPreference).where(MailPreference.user_id == user.id, MailPreference.topic == topic)
    )
    if preference is None:
        preference = MailPreference(user_id=user.id, topic=Topic(topic))
        db.session.add(preference)
    preference.delivery = Delivery(delivery)


def save_preferences(user, choices):
    """Save user's choice for every topic in choices."""
    for topic, delivery in choices.items():
        set_preference(user, topic, delivery)
    db.session.commit()


def unsubscribe(token):
    """Turn off the topic named in a signed unsubscribe token; return the user and the topic."""
    payload = read_token("unsubscribe", token, current_app.config["MAIL_UNSUBSCRIBE_MAX_AGE"])
    user = db.session.get(User, payload["user"])
    if user is None or payload["topic"] not in set(Topic):
        raise DomainError(N_("This link is not valid."))
    set_preference(user, payload["topic"], Delivery.OFF)
    db.session.commit()
    return user, Topic(payload["topic"])
