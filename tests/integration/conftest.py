"""Real Celery worker processes for the integration tests."""
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.conftest import build_app, emptied_afterwards
from tests.support.servers import PrivateRedis
from tests.support.smtp import SmtpServer

ROOT = Path(__file__).resolve().parents[2]


class CeleryWorker:
    """A `celery worker` process on the test's database and Redis, killable on purpose."""

    def __init__(self, database_url, redis_url, tmp_path, extra_env=None, beat=False, pool="solo"):
        self.pool = pool
        self.beat = tmp_path / f"beat-{uuid.uuid4().hex[:6]}" if beat else None
        self.name = f"test-{uuid.uuid4().hex[:8]}@%h"
        self.env = {
            **os.environ,
            "MARKETPLACE_ENV": "testing",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "OUTBOX_DIR": str(tmp_path / "outbox"),
            "UPLOAD_DIR": str(tmp_path / "uploads"),
            **(extra_env or {}),
        }
        self.log = open(tmp_path / f"worker-{uuid.uuid4().hex[:6]}.log", "w")
        self.process = None

    def start(self):
        command = [
            sys.executable, "-m", "celery", "-A", "workers.worker", "worker", "--pool", self.pool,
            "--loglevel", "INFO", "--without-gossip", "--without-mingle", "-n", self.name,
        ]
        if self.beat:
            command += ["--beat", "--schedule", str(self.beat)]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        return self

    def kill(self):
        self.process.kill()
        self.process.wait(10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


@pytest.fixture
def start_worker(postgres_url, redis_url, tmp_path):
    """Start real Celery workers; every one started is stopped after the test."""
    workers = []

    def start(redis=None, beat=False, pool="solo", **extra_env):
        worker = CeleryWorker(postgres_url, redis or redis_url, tmp_path, extra_env, beat, pool).start()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def celery_worker(start_worker):
    return start_worker()


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on a free port, recording what it accepts."""
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def private_redis():
    """A redis-server of the test's own, which it may stop and start again."""
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app_on_private_redis(private_redis, postgres_url, tmp_path, monkeypatch):
    """The app on PostgreSQL with the private Redis as broker and rate-limit storage, as in production."""
    application = build_app(monkeypatch, tmp_path, postgres_url, private_redis.url,
                            RATELIMIT_STORAGE_URI=private_redis.url)
    with emptied_afterwards(application):
        yield application
