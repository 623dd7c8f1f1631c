"""The outbox on SQLite with in-process tasks: notify, commit, send, retry, digest, preferences."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from marketplace.domain.notifications import Delivery, EVENTS, Status, Topic
from marketplace.extensions import db
from marketplace.mail import notify
from marketplace.models import Notification
from marketplace.services import notifications
from tests.factories import ProducerFactory, UserFactory
from tests.support.mail_samples import context_for


def notify_sample(user, event):
    subject_params, context = context_for(event, user)
    return notify(user, event, subject_params=subject_params, **context)


def rows():
    return db.session.scalars(select(Notification).order_by(Notification.id)).all()


@pytest.mark.parametrize("event", sorted(EVENTS))
@pytest.mark.parametrize("locale", ["fr", "en"])
def test_every_event_renders_a_subject_a_text_and_an_html_part(app, outbox, event, locale):
    user = UserFactory(locale=locale)

    notify_sample(user, event)
    db.session.commit()

    [mail] = outbox.to(user.email)
    assert mail["Subject"] and outbox.text(mail).strip()
    assert mail.get_body(("html",)).get_content().strip()


def test_french_by_default_and_english_for_users_who_chose_it(app, outbox):
    french, english = UserFactory(locale="fr"), UserFactory(locale="en")

    for user in (french, english):
        notify_sample(user, "offer_decision")
    db.session.commit()

    assert outbox.to(french.email)[0]["Subject"] == "Décision sur votre offre de masques FFP2"
    assert outbox.to(english.email)[0]["Subject"] == "Decision on your offer of FFP2 masks"


def test_an_event_rolled_back_sends_nothing(app, outbox):
    user = UserFactory()

    notify_sample(user, "reset_password")
    db.session.rollback()
    db.session.commit()

    assert rows() == [] and outbox.messages() == []


def test_the_mail_goes_out_only_after_commit_with_the_rows_message_id(app, outbox):
    user = UserFactory()

    notification = notify_sample(user, "reset_password")
    db.session.flush()
    assert outbox.messages() == []
    db.session.commit()

    [mail] = outbox.to(user.email)
    assert mail["Message-ID"] == notification.message_id
    assert notification.status == Status.SENT and notification.attempts == 1


def test_sending_the_same_rows_twice_sends_each_mail_once(app, outbox):
    user = UserFactory()
    notification = notify_sample(user, "reset_password")
    db.session.commit()

    # A task delivered twice by the broker (e.g. past its visibility timeout) finds nothing to claim.
    assert notifications.send_notifications([notification.id]).sent == 0
    assert len(outbox.messages()) == 1


def test_non_essential_mail_carries_a_one_click_unsubscribe(app, outbox):
    producer = ProducerFactory()

    notify_sample(producer, "offer_decision")
    notify_sample(producer, "confirm_email")
    db.session.commit()

    decision, confirmation = sorted(outbox.to(producer.email), key=lambda m: m["Subject"].startswith("Conf"))
    url = decision["List-Unsubscribe"].strip("<>")
    assert "/auth/unsubscribe/" in url and url in outbox.text(decision)
    assert decision["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert confirmation["List-Unsubscribe"] is None


def test_a_topic_turned_off_sends_nothing_but_essential_mail_still_goes(app, outbox):
    producer = ProducerFactory()
    notifications.save_preferences(producer, {Topic.MODERATION: Delivery.OFF})

    assert notify_sample(producer, "offer_decision") is None
    notify_sample(producer, "reset_password")
    db.session.commit()

    assert [m["Subject"] for m in outbox.to(producer.email)] == ["Réinitialisez votre mot de passe"]


def test_a_digest_gathers_held_mails_into_one(app, outbox):
    producer = ProducerFactory()
    notifications.save_preferences(producer, {Topic.MODERATION: Delivery.DIGEST})
    first, second = notify_sample(producer, "offer_decision"), notify_sample(producer, "certification_decision")
    db.session.commit()
    assert outbox.messages() == [] and first.status == Status.HELD

    assert notifications.send_digests() == 1

    [digest] = outbox.to(producer.email)
    assert first.subject in outbox.text(digest) and second.subject in outbox.text(digest)
    assert {first.status, second.status} == {Status.DIGESTED}
    assert notifications.send_digests() == 0


def test_the_sweep_releases_rows_of_a_dead_worker_and_returns_lost_ones(app, clock):
    user = UserFactory()
    lost, stuck = notify_sample(user, "reset_password"), notify_sample(user, "confirm_email")
    db.session.flush()
    db.session.info.clear()  # as if the broker lost their tasks
    long_ago = clock.now() - timedelta(hours=1)
    db.session.execute(update(Notification).where(Notification.id == lost.id).values(next_attempt_at=long_ago))
    db.session.execute(
        update(Notification).where(Notification.id == stuck.id)
        .values(status=Status.SENDING, claimed_at=long_ago, next_attempt_at=long_ago)
    )
    db.session.commit()

    assert notifications.sweep_outbox() == [lost.id, stuck.id]
    assert db.session.scalar(select(func.count()).where(Notification.status == Status.PENDING)) == 2
