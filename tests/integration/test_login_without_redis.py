"""Logging in while Redis, the login rate limit's storage, is down: limited in memory per process, never a 500."""
import pytest
import redis

from tests.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.integration
TRY_AGAIN_LATER = "Trop de tentatives. Merci de réessayer dans une minute."


def log_in(client, user, password):
    return client.post("/auth/login?next=/auth/account", data={"email": user.email, "password": password})


def test_with_redis_down_the_right_password_logs_in_and_wrong_ones_are_still_limited(
    app_on_private_redis, private_redis
):
    user = UserFactory()
    client = app_on_private_redis.test_client()
    assert log_in(client, user, "wrong one").status_code == 200
    assert redis.Redis.from_url(private_redis.url).keys("LIMITS*")  # while Redis is up, failures are counted there

    private_redis.stop()

    logged_in = log_in(client, user, PASSWORD)
    assert logged_in.status_code == 302 and logged_in.headers["Location"].endswith("/auth/account")
    assert client.get("/auth/account").status_code == 200

    # This process counts from zero in memory: five failures a minute, then "try again later".
    intruder = app_on_private_redis.test_client()
    assert [log_in(intruder, user, "wrong one").status_code for _ in range(6)] == [200] * 5 + [429]
    blocked = log_in(intruder, user, PASSWORD)
    assert blocked.status_code == 429 and TRY_AGAIN_LATER in blocked.get_data(as_text=True)
