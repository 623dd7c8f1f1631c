"""Mail on the real stack: PostgreSQL, Redis, a Celery worker process and an SMTP server (aiosmtpd)."""
import itertools
import time
from collections import Counter, defaultdict

import pytest
from sqlalchemy import func, select

from marketplace.domain.certifications import CertificationStatus
from marketplace.domain.notifications import Status
from marketplace.domain.offers import OfferStatus
from marketplace.extensions import db
from marketplace.mail import notify
from marketplace.models import Notification
from marketplace.services import accounts, certifications, offers, pools
from tests.conftest import build_app, truncate_all
from tests.factories import (
    AdminFactory,
    CertificationFactory,
    OfferFactory,
    PoolFactory,
    PoolMembershipFactory,
    ProducerFactory,
    UserFactory,
)
from tests.support.mail_samples import context_for
from tests.support.servers import PrivateRedis

pytestmark = pytest.mark.integration
SERIAL = itertools.count()


def mail_worker(start_worker, smtp, **env):
    return start_worker(MAIL_SERVER="127.0.0.1", MAIL_PORT=str(smtp.port), MAIL_USE_STARTTLS="0", **env)


def notify_many(count, event="reset_password"):
    """Commit count notifications to count users; return their Message-IDs."""
    users = [UserFactory.build(email=f"bulk{next(SERIAL)}@example.fr", organisation=None) for _ in range(count)]
    db.session.add_all(users)
    db.session.flush()
    subject_params, context = context_for(event, users[0])
    rows = [notify(user, event, subject_params=subject_params, **context) for user in users]
    db.session.commit()
    return [row.message_id for row in rows]


def statuses():
    return dict(db.session.execute(select(Notification.status, func.count()).group_by(Notification.status)).all())


def test_every_event_reaches_the_right_people_and_no_one_else(pg_app, smtp_server, start_worker):
    mail_worker(start_worker, smtp_server)
    expected = defaultdict(list)
    producer = ProducerFactory(email="prod@armor.fr")
    colleague = UserFactory(email="colleague@armor.fr", organisation=producer.organisation)
    UserFactory(email="bystander@elsewhere.fr")
    admin = AdminFactory(email="admin@bretagne.fr")
    with pg_app.test_request_context():
        accounts.request_password_reset(producer.email)
        accounts.invite_colleague(producer, "newcomer@armor.fr")
        for status, decide in ((CertificationStatus.VERIFIED, certifications.verify_certification),
                               (CertificationStatus.REJECTED, certifications.reject_certification)):
            certification = CertificationFactory(organisation=producer.organisation, status=CertificationStatus.PENDING)
            decide(admin, certification, *(["Rapport illisible"] if status == "rejected" else []))
        pending = [OfferFactory(certification=CertificationFactory(organisation=producer.organisation),
                                status=OfferStatus.SUBMITTED) for _ in range(2)]
        offers.approve_offer(admin, pending[0])
        offers.reject_offer(admin, pending[1], "Prix manquant")
        pool = PoolFactory()
        members = [PoolMembershipFactory(pool=pool, quantity=25_000) for _ in range(2)]
        pools.submit_pool(UserFactory(organisation=pool.organisation), pool)
    expected["prod@armor.fr"] += ["Réinitialisez votre mot de passe"]
    expected["newcomer@armor.fr"] += ["Vous êtes invité à rejoindre Organisation"]
    for member in ("prod@armor.fr", "colleague@armor.fr"):
        expected[member] += ["Décision sur votre certification FFP2"] * 2 + ["Décision sur votre offre de masques FFP2"] * 2
    for membership in members:
        expected[membership.user.email] += ["L'achat groupé de masques UNS1"]
    for event in ("proposal_new", "proposal_accepted", "proposal_declined", "proposal_expired", "order_confirmed",
                  "pool_matched", "confirm_email", "digest"):
        recipient = UserFactory(email=f"{event}@example.fr")
        subject_params, context = context_for(event, recipient)
        expected[recipient.email] += [notify(recipient, event, subject_params=subject_params, **context).subject]
    db.session.commit()
    total = sum(len(subjects) for subjects in expected.values())

    smtp_server.wait_for(lambda received: len(received) >= total)
    time.sleep(1)  # and nothing more arrives

    got = defaultdict(list)
    for mail in smtp_server.received:
        assert mail.recipients == (mail.to,)
        got[mail.to].append(mail.subject)
    assert set(got) == set(expected) and colleague.email in got
    for address, prefixes in expected.items():
        left = list(got[address])
        for prefix in prefixes:
            left.remove(next(subject for subject in left if subject.startswith(prefix)))
        assert left == [], address


def test_mail_refused_for_a_while_is_delivered_once_the_server_accepts_exactly_once(pg_app, smtp_server, start_worker):
    smtp_server.refuse_for(4)
    mail_worker(start_worker, smtp_server, MAIL_RETRY_BASE_SECONDS="0.5", MAIL_RETRY_MAX_SECONDS="2")

    message_ids = notify_many(20)

    smtp_server.wait_for_ids(message_ids, timeout=60)
    time.sleep(2)
    assert smtp_server.handler.refused > 0
    assert Counter(smtp_server.message_ids()) == Counter(message_ids)
    db.session.expire_all()
    assert statuses() == {Status.SENT: 20}


def test_a_worker_killed_while_sending_loses_nothing_and_resends_with_the_same_message_id(
    pg_app, smtp_server, start_worker
):
    smtp_server.slow_down(0.02)
    first = mail_worker(start_worker, smtp_server)
    message_ids = notify_many(300)
    smtp_server.wait_for(lambda received: len(received) >= 40)

    first.kill()
    smtp_server.slow_down(0)
    mail_worker(start_worker, smtp_server, beat=True, MAIL_SWEEP_SECONDS="1", MAIL_CLAIM_TIMEOUT_SECONDS="2",
                MAIL_SWEEP_GRACE_SECONDS="1")

    received = smtp_server.wait_for_ids(message_ids, timeout=90)
    assert set(smtp_server.message_ids()) == set(message_ids)
    first_copy = {}
    for mail in received:
        copy = (mail.to, mail.subject, mail.text)
        assert first_copy.setdefault(mail.message_id, copy) == copy  # a resend is the same mail
    db.session.expire_all()
    assert statuses() == {Status.SENT: 300}


@pytest.fixture
def private_redis():
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app_on_private_redis(private_redis, postgres_url, tmp_path, monkeypatch):
    application = build_app(monkeypatch, tmp_path, postgres_url, private_redis.url)
    with application.app_context():
        try:
            yield application
        finally:
            db.session.rollback()
            truncate_all()
            db.session.remove()
            db.engine.dispose()


def test_mail_still_flows_after_redis_restarts_under_a_running_worker(
    app_on_private_redis, private_redis, smtp_server, start_worker
):
    mail_worker(start_worker, smtp_server, redis=private_redis.url)
    smtp_server.wait_for_ids(notify_many(5), timeout=60)

    private_redis.stop()
    time.sleep(2)
    private_redis.start()

    after = notify_many(5, "confirm_email")
    smtp_server.wait_for_ids(after, timeout=90)


def test_a_thousand_notifications_are_delivered_none_lost_none_twice(pg_app, smtp_server, start_worker):
    mail_worker(start_worker, smtp_server)

    message_ids = notify_many(1000)

    smtp_server.wait_for_ids(message_ids, timeout=120)
    assert Counter(smtp_server.message_ids()) == Counter(message_ids)
