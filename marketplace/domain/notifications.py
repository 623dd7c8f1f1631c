"""The catalogue of mail events, the topics users may mute or batch, and the retry schedule."""
from dataclasses import dataclass
from enum import StrEnum

from .errors import N_


class Topic(StrEnum):
    """Non-essential mails, grouped so a user chooses per group."""

    MODERATION = "moderation"
    PROPOSALS = "proposals"
    POOLS = "pools"


TOPIC_LABELS = {
    Topic.MODERATION: N_("Decisions on my certifications and offers"),
    Topic.PROPOSALS: N_("News of my proposals (accepted, declined, expired)"),
    Topic.POOLS: N_("News of the pooled purchases I run or joined"),
}


class Delivery(StrEnum):
    """How a user wants the mails of one topic."""

    IMMEDIATE = "immediate"
    DIGEST = "digest"
    OFF = "off"


DELIVERY_LABELS = {
    Delivery.IMMEDIATE: N_("Right away"),
    Delivery.DIGEST: N_("In a daily digest"),
    Delivery.OFF: N_("Never"),
}


@dataclass(frozen=True)
class Event:
    """One kind of mail: its template (emails/<name>.txt and .html), subject, and topic if non-essential.

    A mail that carries a secret (a link that logs in, resets a password or joins an organisation) is
    shown to administrators as its metadata only: date, recipient, subject.
    """

    name: str
    subject: str
    topic: Topic | None = None
    carries_secret: bool = False

    @property
    def is_essential(self):
        return self.topic is None


# Essential mails (accounts, actions with a deadline, contracts) have no topic and cannot be muted.
EVENTS = {
    event.name: event
    for event in (
        Event("confirm_email", N_("Confirm your email address"), carries_secret=True),
        Event("reset_password", N_("Reset your password"), carries_secret=True),
        Event("invitation", N_("You are invited to join %(organisation)s"), carries_secret=True),
        # Sign-up or invitation of an address that has an account: told by mail, never on the page.
        Event("already_registered", N_("You already have an account on the mask marketplace")),
        Event("certification_decision", N_("Decision on your %(category)s certification"), Topic.MODERATION),
        Event("offer_decision", N_("Decision on your offer of %(category)s masks"), Topic.MODERATION),
        Event("proposal_new", N_("New proposal: %(quantity)s %(category)s masks")),
        Event("proposals_new", N_("%(count)s new proposals await your answer")),
        Event("proposal_accepted", N_("Your proposal of %(category)s masks was accepted"), Topic.PROPOSALS),
        Event("proposal_declined", N_("Your proposal of %(category)s masks was declined"), Topic.PROPOSALS),
        Event("proposals_accepted", N_("%(counterpart)s accepted %(count)s of your proposals"), Topic.PROPOSALS),
        Event("proposals_declined", N_("%(counterpart)s declined %(count)s of your proposals"), Topic.PROPOSALS),
        Event("proposal_expired", N_("A proposal of %(category)s masks expired"), Topic.PROPOSALS),
        Event("order_confirmed", N_("Order confirmed: %(quantity)s %(category)s masks")),
        Event(
            "pool_submitted", N_("The pooled purchase of %(category)s masks you joined is submitted"), Topic.POOLS
        ),
        Event("pool_matched", N_("Your share of the pooled purchase of %(category)s masks"), Topic.POOLS),
        Event(
            "pool_cancelled", N_("The pooled purchase of %(category)s masks you joined is cancelled"), Topic.POOLS
        ),
        Event(
            "pool_member_left", N_("%(organisation)s left your pooled purchase of %(category)s masks"), Topic.POOLS
        ),
        Event(
            "pool_quantity_changed",
            N_("%(organisation)s changed its quantity in your pooled purchase of %(category)s masks"),
            Topic.POOLS,
        ),
        Event("digest", N_("Your daily digest from the mask marketplace")),
    )
}


# A matching run mails each organisation one list of its new proposals, and a decision on several proposals
# one list of them: this many, then a link to the rest.
PROPOSALS_LISTED_PER_MAIL = 20


class Status(StrEnum):
    """Where a notification is in the outbox."""

    PENDING = "pending"  # waiting to be sent, now or at next_attempt_at
    SENDING = "sending"  # claimed by a worker
    SENT = "sent"
    DEAD = "dead"  # gave up; an administrator may retry
    HELD = "held"  # waiting for the recipient's daily digest
    DIGESTED = "digested"  # went out inside a digest


def retry_delay(attempts, base_seconds, max_seconds):
    """Return how long to wait before the next try after `attempts` failed ones (exponential, capped)."""
    return min(max_seconds, base_seconds * 2 ** max(attempts - 1, 0))


def is_permanent_smtp_code(code):
    """Tell whether an SMTP reply code refuses for good (5xx) rather than for now (4xx)."""
    return code is not None and 500 <= code < 600
