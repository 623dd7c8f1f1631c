"""Real PostgreSQL and Redis servers for the tests: the machine's own when they answer,
otherwise throwaway ones started here (installing Debian's packages when missing)."""
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from contextlib import closing

import psycopg
import redis

LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
LOCAL_REDIS = "redis://127.0.0.1:6379"
# Set TEST_USE_LOCAL_SERVERS=0 to ignore the machine's servers, as on a fresh machine.
USE_LOCAL = os.environ.get("TEST_USE_LOCAL_SERVERS", "1") == "1"


def free_port():
    """Return a TCP port nobody listens on right now."""
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with closing(socket.socket()) as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on port {port}")


def apt_install(*packages):
    """Install Debian packages (the tests run as root on the project's machines)."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", *packages], check=True, env=env)


def plain_dsn(url):
    """Turn an SQLAlchemy URL into a libpq DSN."""
    return url.replace("postgresql+psycopg://", "postgresql://")


def postgres_answers(url):
    try:
        with psycopg.connect(plain_dsn(url), connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


class ThrowawayPostgres:
    """A PostgreSQL cluster in a temporary directory, run by an unprivileged user."""

    def __init__(self):
        self.bindir = self._find_bindir()
        self.port = free_port()
        self.datadir = tempfile.mkdtemp(prefix="mp-pg-")
        self.user = "nobody" if os.geteuid() == 0 else None

    @staticmethod
    def _find_bindir():
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not found:
            apt_install("postgresql")
            found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        return os.path.dirname(found[-1])

    def _run(self, *args):
        command = [os.path.join(self.bindir, args[0]), *args[1:]]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd="/tmp")

    def start(self):
        if self.user:
            shutil.chown(self.datadir, pwd.getpwnam(self.user).pw_uid)
        self._run("initdb", "-D", self.datadir, "-U", "postgres", "--auth=trust", "-E", "UTF8")
        options = f"-p {self.port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", self.datadir, "-o", options, "-l", f"{self.datadir}/log", "-w", "start")
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self):
        self._run("pg_ctl", "-D", self.datadir, "-m", "immediate", "stop")
        shutil.rmtree(self.datadir, ignore_errors=True)


class PrivateRedis:
    """A redis-server of the test's own on a free port, which the test may kill or restart."""

    def __init__(self):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            apt_install("redis-server")
            self.binary = shutil.which("redis-server")
        self.port = free_port()
        self.process = None
        self.paused = False

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        wait_for_port(self.port)
        return self.url

    def pause(self):
        """Freeze the server (SIGSTOP): its port stays open, connects may even succeed, nothing answers."""
        self.process.send_signal(signal.SIGSTOP)
        self.paused = True

    def resume(self):
        """Let a paused server run again (SIGCONT); what it queued meanwhile is then answered."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
        self.paused = False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.resume()  # a frozen server would not act on SIGTERM
            self.process.terminate()
            self.process.wait(10)


class PostgresForTests:
    """One database of this test run's own, on the configured, local or a throwaway server."""

    def __init__(self):
        self.throwaway = None
        admin_url = os.environ.get("TEST_DATABASE_URL")
        if admin_url is None:
            local = USE_LOCAL and postgres_answers(LOCAL_POSTGRES)
            admin_url = LOCAL_POSTGRES if local else self._start_throwaway()
        self.admin_url = admin_url
        self.name = f"mp_test_{uuid.uuid4().hex[:12]}"
        base, _ = admin_url.rsplit("/", 1)
        self.url = f"{base}/{self.name}"

    def _start_throwaway(self):
        self.throwaway = ThrowawayPostgres()
        return self.throwaway.start()

    def _admin(self, sql):
        with psycopg.connect(plain_dsn(self.admin_url), autocommit=True) as conn:
            conn.execute(sql)

    def create(self):
        self._admin(f'CREATE DATABASE "{self.name}"')
        return self.url

    def drop(self):
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        if self.throwaway:
            self.throwaway.stop()


class RedisForTests:
    """A Redis database index of this run's own, flushed, on the configured, local or a private server."""

    def __init__(self):
        self.private = None
        url = os.environ.get("TEST_REDIS_URL")
        if url is None:
            url = self._local_free_index() or self._start_private()
        self.url = url

    @staticmethod
    def _local_free_index():
        if not USE_LOCAL:
            return None
        try:
            client = redis.Redis.from_url(LOCAL_REDIS, socket_connect_timeout=2)
            client.ping()
        except redis.RedisError:
            return None
        # Index 0 belongs to whoever else uses the machine; take the first empty one after it.
        for index in range(1, 16):
            candidate = redis.Redis.from_url(f"{LOCAL_REDIS}/{index}")
            if candidate.dbsize() == 0 and candidate.set("mp-test-claim", "1", nx=True):
                return f"{LOCAL_REDIS}/{index}"
        return None

    def _start_private(self):
        self.private = PrivateRedis()
        return self.private.start()

    def flush(self):
        redis.Redis.from_url(self.url).flushdb()

    def close(self):
        self.flush()
        if self.private:
            self.private.stop()
