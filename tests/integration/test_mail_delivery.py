"""Mail on the real stack: PostgreSQL, Redis, a Celery worker process and an SMTP server (aiosmtpd)."""
import itertools
import time
from collections import Counter, defaultdict

import pytest
import redis
from sqlalchemy import func, select

from marketplace.domain.certifications import CertificationStatus
from marketplace.domain.notifications import Status
from marketplace.domain.offers import OfferStatus
from marketplace.extensions import db
from marketplace.mail import notify
from marketplace.models import Notification, Offer
from marketplace.services import accounts, certifications, offers, pools
from marketplace.services.matching.runs import run_matching
from tests.factories import (
    AdminFactory,
    CertificationFactory,
    DemandFactory,
    OfferFactory,
    PoolFactory,
    PoolMembershipFactory,
    ProducerFactory,
    UserFactory,
)
from tests.support.mail_delivery import mail_worker, offer_to_approve, sweep_sends_once
from tests.support.mail_samples import context_for
from tests.support.waiting import wait_until
from workers.tasks.mail import sweep_outbox_task

pytestmark = pytest.mark.integration
SERIAL = itertools.count()


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
    worker = mail_worker(start_worker, smtp_server)
    expected = defaultdict(list)
    # A matching run (proposals written with COPY): each member of the producer gets one mail listing
    # its three proposals, in its own language; each buyer the mail of its one proposal.
    runner = ProducerFactory(email="run@masques-ouest.fr")
    ProducerFactory(email="run-en@masques-ouest.fr", locale="en", organisation=runner.organisation)
    OfferFactory(certification__organisation=runner.organisation, quantity=150_000)
    for n in range(3):
        buyer = UserFactory(email=f"buyer{n}@example.fr")
        DemandFactory(organisation=buyer.organisation, created_by=buyer, quantity=50_000)
        expected[buyer.email] += ["Nouvelle proposition : 50\u202f000 masques FFP2"]
    expected["run@masques-ouest.fr"] += ["3 nouvelles propositions attendent votre réponse"]
    expected["run-en@masques-ouest.fr"] += ["3 new proposals await your answer"]
    assert run_matching("manual").proposals_created == 3
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
        cancelled = PoolFactory()
        dropped = [PoolMembershipFactory(pool=cancelled, quantity=5_000) for _ in range(2)]
        leaving = PoolMembershipFactory(pool=cancelled, quantity=1_000)
        pools.join_pool(dropped[0].user, cancelled, 6_000, declares_sector=True)
        pools.leave_pool(leaving.user, cancelled)
        pools.cancel_pool(UserFactory(organisation=cancelled.organisation), cancelled)
    expected[cancelled.created_by.email] += [f"{dropped[0].organisation.name} a modifié sa quantité",
                                             f"{leaving.organisation.name} a quitté"]
    for membership in dropped:
        expected[membership.user.email] += ["L'achat groupé de masques UNS1 (grand public catégorie 1) auquel vous participez est annulé"]
    expected["prod@armor.fr"] += ["Réinitialisez votre mot de passe"]
    expected["newcomer@armor.fr"] += ["Vous êtes invité à rejoindre Organisation"]
    for member in ("prod@armor.fr", "colleague@armor.fr"):
        expected[member] += ["Décision sur votre certification FFP2"] * 2 + ["Décision sur votre offre de masques FFP2"] * 2
    for membership in members:
        expected[membership.user.email] += ["L'achat groupé de masques UNS1"]
    for event in ("proposal_new", "proposals_new", "proposal_accepted", "proposal_declined", "proposal_expired",
                  "order_confirmed", "pool_matched", "confirm_email", "digest"):
        recipient = UserFactory(email=f"{event}@example.fr")
        subject_params, context = context_for(event, recipient)
        expected[recipient.email] += [notify(recipient, event, subject_params=subject_params, **context).subject]
    db.session.commit()
    total = sum(len(subjects) for subjects in expected.values())

    smtp_server.wait_for(lambda received: len(received) >= total)
    wait_until(lambda: not {Status.PENDING, Status.SENDING} & set(statuses()), "no mail left to send", timeout=60)
    worker.stop()  # a warm shutdown: nothing is on its way when counting, and nothing more will come

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
    # Refused by count, not by clock: the next three tries are refused however slowly the worker starts.
    smtp_server.refuse_next(3)
    worker = mail_worker(start_worker, smtp_server, MAIL_RETRY_BASE_SECONDS="0.5", MAIL_RETRY_MAX_SECONDS="2")

    message_ids = notify_many(20)

    smtp_server.wait_for_ids(message_ids, timeout=90)
    worker.stop()  # a warm shutdown: whatever the worker was sending or marking is in before counting
    assert smtp_server.handler.refused == 3
    assert Counter(smtp_server.message_ids()) == Counter(message_ids)
    db.session.expire_all()
    assert statuses() == {Status.SENT: 20}
    assert max(db.session.scalars(select(Notification.attempts))) > 1  # what was refused went out on a retry


def test_a_recipient_refused_for_good_is_a_dead_letter_and_the_rest_of_its_batch_goes_out(
    pg_app, smtp_server, start_worker
):
    bounced = "nobody-here@example.fr"
    smtp_server.handler.unknown_recipients.add(bounced)
    users = [UserFactory.build(email=email, organisation=None)
             for email in ("first@example.fr", bounced, *(f"after{k}@example.fr" for k in range(8)))]
    db.session.add_all(users)
    db.session.flush()
    subject_params, context = context_for("reset_password", users[0])
    rows = [notify(user, "reset_password", subject_params=subject_params, **context) for user in users]
    db.session.commit()  # ten rows, one task, one batch over one connection
    delivered = [row.message_id for row in rows if row.to_address != bounced]

    worker = mail_worker(start_worker, smtp_server)
    smtp_server.wait_for_ids(delivered, timeout=60)
    wait_until(lambda: statuses().get(Status.DEAD) == 1, "the refused recipient's mail to be a dead letter")
    worker.stop()
    db.session.expire_all()

    assert sorted(smtp_server.message_ids()) == sorted(delivered)
    assert statuses() == {Status.SENT: 9, Status.DEAD: 1}
    dead = db.session.scalars(select(Notification).where(Notification.status == Status.DEAD)).one()
    assert dead.to_address == bounced and "550" in dead.last_error


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


def test_mail_still_flows_after_redis_restarts_under_a_running_worker(
    app_on_private_redis, private_redis, smtp_server, start_worker
):
    # With the sweep on, as in production: a publish that hits the restart is left to it (see mail.hooks.queue_sends).
    worker = mail_worker(start_worker, smtp_server, redis=private_redis.url, beat=True, MAIL_SWEEP_SECONDS="1",
                         MAIL_SWEEP_GRACE_SECONDS="1")
    before = notify_many(5)
    smtp_server.wait_for_ids(before, timeout=60)

    private_redis.stop()
    # Not a wait for something: Redis stays down a while, as in a real restart, so that the worker's
    # connections break under it and the test sees mail flow once it has made them again.
    time.sleep(2)
    private_redis.start()

    after = notify_many(5, "confirm_email")
    smtp_server.wait_for_ids(after, timeout=90)
    worker.stop()  # a warm shutdown: whatever the worker was sending is in before counting
    assert Counter(smtp_server.message_ids()) == Counter(before + after)  # each mail went out, once


def test_an_offer_approved_while_redis_is_down_is_committed_and_the_sweep_mails_it_once_redis_is_back(
    app_on_private_redis, private_redis, smtp_server, start_worker, caplog
):
    offer, client = offer_to_approve(app_on_private_redis)
    private_redis.stop()

    started = time.monotonic()
    page = client.post(f"/admin/offers/{offer.id}/approve", follow_redirects=True)
    assert time.monotonic() - started < 5  # the publish gives up quickly, the admin is not kept waiting

    assert page.status_code == 200 and "est approuvée et apparaît dans le catalogue" in page.get_data(as_text=True)
    assert "the sweep will send it" in caplog.text
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).status == OfferStatus.APPROVED
    row = db.session.scalars(select(Notification)).one()
    assert (row.event, row.to_address, row.status) == ("offer_decision", "prod@armor.fr", Status.PENDING)

    private_redis.start()
    assert redis.Redis.from_url(private_redis.url).llen("celery") == 0  # no task holds the row: only the sweep can
    sweep_sends_once(start_worker, smtp_server, private_redis.url, row)


def test_a_bulk_event_while_redis_is_down_tries_one_publish_and_leaves_every_row_to_the_sweep(
    app_on_private_redis, private_redis, caplog
):
    app_on_private_redis.config.update(MAIL_BATCH_SIZE=50)
    private_redis.stop()

    notify_many(120)  # three batches: only the first publish is tried, each would wait out the retry policy

    failures = [record.getMessage() for record in caplog.records if "could not queue" in record.getMessage()]
    assert len(failures) == 1 and "of 120 notification(s)" in failures[0]
    db.session.expire_all()
    assert statuses() == {Status.PENDING: 120}


def test_mails_queued_by_their_own_task_and_by_the_sweep_go_out_once(pg_app, smtp_server, start_worker):
    pg_app.config.update(MAIL_BATCH_SIZE=5, MAIL_SWEEP_GRACE_SECONDS=0)
    message_ids = notify_many(40)  # eight tasks of five, queued after the commit
    assert sweep_outbox_task.apply().get() == 40  # and the sweep queues every row again
    smtp_server.slow_down(0.01)

    workers = [mail_worker(start_worker, smtp_server, MAIL_BATCH_SIZE="5") for _ in range(2)]
    smtp_server.wait_for_ids(message_ids, timeout=60)
    for worker in workers:
        worker.stop()

    assert Counter(smtp_server.message_ids()) == Counter(message_ids)
    db.session.expire_all()
    assert statuses() == {Status.SENT: 40}
    assert set(db.session.scalars(select(Notification.attempts))) == {1}  # one claim each


def test_a_thousand_notifications_are_delivered_none_lost_none_twice(pg_app, smtp_server, start_worker):
    mail_worker(start_worker, smtp_server)

    message_ids = notify_many(1000)

    smtp_server.wait_for_ids(message_ids, timeout=120)
    assert Counter(smtp_server.message_ids()) == Counter(message_ids)
