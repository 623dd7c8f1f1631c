"""Mail on the real stack: a Celery worker sending to the test's SMTP server, and the outbox sweep."""
from marketplace.domain.notifications import Status
from marketplace.domain.offers import OfferStatus
from marketplace.extensions import db
from tests.conftest import PASSWORD
from tests.factories import AdminFactory, CertificationFactory, OfferFactory, ProducerFactory


def mail_worker(start_worker, smtp, **env):
    """Start a Celery worker (start_worker fixture) sending to the SMTP server smtp."""
    return start_worker(MAIL_SERVER="127.0.0.1", MAIL_PORT=str(smtp.port), MAIL_USE_STARTTLS="0", **env)


def offer_to_approve(app):
    """Return a submitted offer and a test client logged in as the administrator of its region."""
    producer = ProducerFactory(email="prod@armor.fr")
    offer = OfferFactory(certification=CertificationFactory(organisation=producer.organisation),
                         status=OfferStatus.SUBMITTED)
    admin = AdminFactory(admin_region_code=offer.region_code)
    client = app.test_client()
    assert client.post("/auth/login", data={"email": admin.email, "password": PASSWORD}).status_code == 302
    return offer, client


def sweep_sends_once(start_worker, smtp_server, redis_url, row):
    """Start a worker with a one-second sweep; check that it sends row's mail, once, to its recipient only."""
    worker = mail_worker(start_worker, smtp_server, redis=redis_url, beat=True, MAIL_SWEEP_SECONDS="1",
                         MAIL_SWEEP_GRACE_SECONDS="1")
    smtp_server.wait_for_ids([row.message_id], timeout=30)
    worker.stop()  # a warm shutdown: whatever the worker was sending is in before counting

    received = [(mail.message_id, mail.recipients) for mail in smtp_server.received]
    assert received == [(row.message_id, (row.to_address,))]
    db.session.expire_all()
    assert (row.status, row.attempts) == (Status.SENT, 1)
