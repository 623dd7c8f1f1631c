"""The login limit on the real Redis, shared by every web process: simultaneous attempts are counted one by one."""
import pytest

from tests.conftest import PASSWORD, build_app, emptied_afterwards
from tests.factories import UserFactory
from tests.support.bursts import post_at_once

pytestmark = pytest.mark.integration


@pytest.fixture
def app_on_redis(postgres_url, redis_url, tmp_path, monkeypatch):
    application = build_app(monkeypatch, tmp_path, postgres_url, redis_url, RATELIMIT_STORAGE_URI=redis_url)
    with emptied_afterwards(application):
        yield application


def test_thirty_wrong_passwords_at_once_get_five_checks_then_other_addresses_are_refused_too(app_on_redis):
    user = UserFactory()
    wrong = {"email": user.email, "password": "wrong one"}

    statuses = post_at_once(app_on_redis, 30, "/auth/login", wrong, remote_addr="203.0.113.20")
    from_elsewhere = post_at_once(app_on_redis, 10, "/auth/login", wrong, remote_addr="203.0.113.21")

    assert statuses == [200] * 5 + [429] * 25
    assert from_elsewhere == [429] * 10


def test_on_redis_a_successful_login_is_not_counted(app_on_redis):
    user = UserFactory()
    client = app_on_redis.test_client()
    for _ in range(7):
        assert client.post("/auth/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
        client.post("/auth/logout")
