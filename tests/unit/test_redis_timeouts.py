"""A Redis that never answers costs a web request seconds, not a hang: every Redis client has timeouts."""
from config.settings import Base

REDIS_URL = "redis://redis.example.fr:6379/0"


def test_the_rate_limit_and_the_task_publish_give_up_on_a_silent_redis_within_seconds(monkeypatch):
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    settings = Base()
    timeouts = settings.REDIS_CLIENT_OPTIONS
    assert 0 < timeouts["socket_connect_timeout"] <= 2 and 0 < timeouts["socket_timeout"] <= 2
    assert settings.RATELIMIT_STORAGE_OPTIONS == timeouts
    assert settings.CELERY["broker_transport_options"].items() >= timeouts.items()
    assert settings.CELERY["task_publish_retry_policy"]["max_retries"] <= 1  # each try may cost a socket timeout


def test_the_timeouts_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("REDIS_CONNECT_TIMEOUT_SECONDS", "0.5")
    monkeypatch.setenv("REDIS_SOCKET_TIMEOUT_SECONDS", "1.5")
    assert Base().REDIS_CLIENT_OPTIONS == {"socket_connect_timeout": 0.5, "socket_timeout": 1.5}


def test_a_rate_limit_kept_outside_redis_gets_no_redis_options(monkeypatch):
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memcached://cache.example.fr:11211")
    assert Base().RATELIMIT_STORAGE_OPTIONS == {}
