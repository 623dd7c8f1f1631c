"""A Redis that never answers (frozen, or its host dropping packets): requests still answer, nothing is lost.

The private Redis is paused with SIGSTOP: its port stays open and connects may succeed through the
backlog, but no reply comes. Each Redis call of a request gives up after its socket timeout
(REDIS_CLIENT_OPTIONS in config/settings.py) instead of hanging.
"""
import threading
from contextlib import contextmanager

import pytest
from sqlalchemy import select

from marketplace.domain.notifications import Status
from marketplace.domain.offers import OfferStatus
from marketplace.extensions import db
from marketplace.models import Notification, Offer
from tests.conftest import PASSWORD
from tests.factories import AdminFactory, UserFactory
from tests.support.mail_delivery import offer_to_approve, sweep_sends_once

pytestmark = pytest.mark.integration
# Far above what a request takes with the timeouts (about 3 s), far below a hang: only a hanging test fails.
HANG_SECONDS = 15


@contextmanager
def frozen(private_redis):
    """Pause the private Redis for the block; a watchdog resumes it if the block hangs, and the test fails."""
    watchdog = threading.Timer(HANG_SECONDS, private_redis.resume)
    private_redis.pause()
    watchdog.start()
    try:
        yield
    finally:
        watchdog.cancel()
        hung = not private_redis.paused
        private_redis.resume()
    assert not hung, f"still waiting for the frozen Redis after {HANG_SECONDS} s: it had to be resumed"


def log_in(client, user, password=PASSWORD):
    return client.post("/auth/login?next=/auth/account", data={"email": user.email, "password": password})


def test_with_redis_frozen_the_right_password_logs_in(app_on_private_redis, private_redis):
    user = UserFactory()
    client = app_on_private_redis.test_client()

    with frozen(private_redis):
        logged_in = log_in(client, user)
        account = client.get("/auth/account")

    assert logged_in.status_code == 302 and logged_in.headers["Location"].endswith("/auth/account")
    assert account.status_code == 200 and user.email in account.get_data(as_text=True)


def test_an_offer_approved_while_redis_is_frozen_is_committed_and_mailed_once_by_the_sweep_after(
    app_on_private_redis, private_redis, smtp_server, start_worker, caplog
):
    offer, client = offer_to_approve(app_on_private_redis)

    with frozen(private_redis):
        page = client.post(f"/admin/offers/{offer.id}/approve", follow_redirects=True)

    assert page.status_code == 200 and "est approuvée et apparaît dans le catalogue" in page.get_data(as_text=True)
    assert "the sweep will send it" in caplog.text  # the mail's publish gave up
    assert "could not run or queue matching after event; the beat will run it" in caplog.text  # so did the matching request
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).status == OfferStatus.APPROVED
    row = db.session.scalars(select(Notification)).one()
    assert (row.event, row.to_address, row.status) == ("offer_decision", "prod@armor.fr", Status.PENDING)

    # Resumed, Redis may still run what a connection that gave up had sent: a task of its own may then
    # queue the row besides the sweep, and it goes out once all the same.
    sweep_sends_once(start_worker, smtp_server, private_redis.url, row)


def test_run_now_with_redis_stopped_says_it_could_not_start(app_on_private_redis, private_redis):
    admin = AdminFactory(admin_region_code="53")
    client = app_on_private_redis.test_client()
    assert log_in(client, admin).status_code == 302
    private_redis.stop()

    page = client.post("/admin/matching/run", follow_redirects=True)

    assert page.status_code == 200
    assert "n’a pas pu être lancée, ou elle a échoué" in page.get_data(as_text=True)
