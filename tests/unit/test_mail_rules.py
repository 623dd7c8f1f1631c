from config.settings import Base
from marketplace.domain.notifications import EVENTS, is_permanent_smtp_code, retry_delay


def test_retries_back_off_exponentially_up_to_a_cap():
    assert [retry_delay(n, 30, 900) for n in range(1, 8)] == [30, 60, 120, 240, 480, 900, 900]


def test_only_5xx_replies_refuse_for_good():
    assert is_permanent_smtp_code(550) and not is_permanent_smtp_code(451) and not is_permanent_smtp_code(None)


def test_no_retry_countdown_outlives_the_brokers_visibility_timeout():
    # Redis hands a task whose countdown exceeds visibility_timeout to a second worker as well.
    settings = Base()
    visibility = settings.CELERY["broker_transport_options"]["visibility_timeout"]
    assert settings.MAIL_RETRY_MAX_SECONDS < visibility == settings.MAIL_VISIBILITY_TIMEOUT_SECONDS


def test_beat_sweeps_the_outbox_and_sends_the_digests():
    tasks = {entry["task"] for entry in Base().CELERY["beat_schedule"].values()}
    assert {"mail.sweep", "mail.digest"} <= tasks


def test_a_worker_keeps_reconnecting_to_redis_for_ever():
    celery = Base().CELERY
    assert celery["broker_connection_retry"] and celery["broker_connection_max_retries"] is None
    assert celery["worker_cancel_long_running_tasks_on_connection_loss"]


def test_the_digest_and_every_essential_mail_cannot_be_muted():
    essential = {name for name, event in EVENTS.items() if event.is_essential}
    assert essential == {"confirm_email", "reset_password", "invitation", "already_registered", "proposal_new", "proposals_new", "order_confirmed",
                         "digest"}
