"""Settings for each environment, read from the environment when the app is created."""
import json
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from celery.schedules import crontab

from marketplace.clock import ZONE_NAME

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"
# Bandit B105: a known key on purpose, for development only; load() refuses it unless MARKETPLACE_ENV says so.
DEFAULT_SECRET_KEY = "dev-only-not-secret"  # nosec B105


def _split_list(raw):
    """Return the non-empty items of a comma-separated setting."""
    return [item.strip() for item in (raw or "").split(",") if item.strip()]


class Base:
    """Settings shared by every environment."""

    def __init__(self):
        env = os.environ
        self.SECRET_KEY = env.get("SECRET_KEY", DEFAULT_SECRET_KEY)
        self.SQLALCHEMY_DATABASE_URI = env.get(
            "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'marketplace.sqlite3'}"
        )
        self.REDIS_URL = env.get("REDIS_URL") or None
        self.OUTBOX_DIR = env.get("OUTBOX_DIR", str(INSTANCE_DIR / "outbox"))
        self.UPLOAD_DIR = env.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
        self.MAIL_SERVER = env.get("MAIL_SERVER") or None
        self.MAIL_PORT = int(env.get("MAIL_PORT", "587"))
        self.MAIL_USERNAME = env.get("MAIL_USERNAME") or None
        self.MAIL_PASSWORD = env.get("MAIL_PASSWORD") or None
        self.MAIL_USE_STARTTLS = env.get("MAIL_USE_STARTTLS", "1") == "1"
        self.MAIL_DEFAULT_SENDER = env.get(
            "MAIL_DEFAULT_SENDER", "Marketplace des masques <no-reply@masques.example.fr>"
        )
        self._read_mail_delivery(env)
        self._read_matching(env)
        self.SITE_URL = env.get("SITE_URL", "http://127.0.0.1:5000")
        # Host names this site answers to (comma-separated); others get 400. Unset: any (see Production).
        self.TRUSTED_HOSTS = _split_list(env.get("TRUSTED_HOSTS")) or None
        # Proxies in front of the app whose X-Forwarded-For/-Proto/-Host/-Port are believed; 0: none.
        self.TRUSTED_PROXY_HOPS = int(env.get("TRUSTED_PROXY_HOPS") or "0")
        self._read_redis_timeouts(env)
        self.RATELIMIT_STORAGE_URI = env.get("RATELIMIT_STORAGE_URI") or self.REDIS_URL or "memory://"
        self.RATELIMIT_STORAGE_OPTIONS = (
            dict(self.REDIS_CLIENT_OPTIONS) if self.RATELIMIT_STORAGE_URI.startswith("redis") else {}
        )
        self.BEAT_SCHEDULE_FILE = env.get("BEAT_SCHEDULE_FILE", str(INSTANCE_DIR / "celerybeat-schedule"))
        self.CELERY = self._celery_settings()
        # Quota policy (a name in marketplace.domain.quotas.POLICIES) per channel and buyer kind, as JSON,
        # e.g. {"pool": {"company": "retail_2020"}}; none by default.
        self.BUYER_QUOTAS = {"demand": {}, "pool": {}} | json.loads(env.get("BUYER_QUOTAS") or "{}")

    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = ZONE_NAME
    LANGUAGES = ("fr", "en")
    EMAIL_TOKEN_MAX_AGE = int(timedelta(days=2).total_seconds())
    PASSWORD_RESET_MAX_AGE = int(timedelta(hours=1).total_seconds())
    INVITATION_MAX_AGE = int(timedelta(days=7).total_seconds())
    # Counted before the password is checked (web/throttle.py); a successful login is taken back.
    LOGIN_RATE_LIMIT = "5 per minute"  # per client address
    LOGIN_ACCOUNT_RATE_LIMIT = "5 per minute"  # per email address tried, whatever the client address
    # Forms that mail a link: per client address, and per recipient (no mail bombing of one inbox).
    MAIL_LINK_RATE_LIMIT = "10 per hour"
    MAIL_LINK_RECIPIENT_RATE_LIMIT = "3 per hour"
    SIGNUP_RATE_LIMIT = "10 per hour"  # per client address
    INVITATION_RATE_LIMIT = "20 per hour"  # per inviting owner
    # Redis unreachable: Flask-Limiter counts the same limits in this process's memory until Redis
    # answers again (rechecked with backoff), instead of failing the request.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # Redis lost between a request's check and the count of its failed login: log it, do not answer 500.
    RATELIMIT_SWALLOW_ERRORS = True
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024
    # A certification's PDF test report; larger requests are cut off at MAX_CONTENT_LENGTH (413).
    CERTIFICATION_REPORT_MAX_BYTES = 8 * 1024 * 1024
    # A report received with a form that had errors is kept this long for the corrected submission.
    PENDING_REPORT_MAX_AGE = timedelta(hours=2)
    FORCE_HTTPS = False
    # Bandit B105: the demo accounts' password is published in the README; seed-demo refuses production.
    DEMO_PASSWORD = "masques2020"  # nosec B105
    # Orders "of the order of 50,000 units" (the Economy ministry's note "Masques à destination des
    # entreprises", 24 April 2020): the smallest demand, and the lot a pool must reach.
    MIN_ORDER_VOLUME = 50_000

    def _read_redis_timeouts(self, env):
        """Read how long a Redis call may wait for a connection and for a reply before giving up."""
        # A frozen Redis, or a host that drops packets, never refuses: without these a web request would
        # wait 5 s per call (redis-py's default) or for ever (kombu's publish). Rate limit, task publish
        # and the matching debounce key all use them; each then falls back (memory, sweep, next beat).
        self.REDIS_CONNECT_TIMEOUT_SECONDS = float(env.get("REDIS_CONNECT_TIMEOUT_SECONDS", "1"))
        self.REDIS_SOCKET_TIMEOUT_SECONDS = float(env.get("REDIS_SOCKET_TIMEOUT_SECONDS", "1"))
        self.REDIS_CLIENT_OPTIONS = {
            "socket_connect_timeout": self.REDIS_CONNECT_TIMEOUT_SECONDS,
            "socket_timeout": self.REDIS_SOCKET_TIMEOUT_SECONDS,
        }

    def _read_mail_delivery(self, env):
        """Read the outbox's timings: batches, retries with backoff, dead letters, sweep, digest."""
        self.MAIL_TIMEOUT_SECONDS = float(env.get("MAIL_TIMEOUT_SECONDS", "30"))
        self.MAIL_BATCH_SIZE = int(env.get("MAIL_BATCH_SIZE", "50"))
        self.MAIL_MAX_ATTEMPTS = int(env.get("MAIL_MAX_ATTEMPTS", "8"))
        self.MAIL_RETRY_BASE_SECONDS = float(env.get("MAIL_RETRY_BASE_SECONDS", "30"))
        # Every countdown stays under the broker's visibility timeout, or Redis would deliver it twice.
        self.MAIL_RETRY_MAX_SECONDS = float(env.get("MAIL_RETRY_MAX_SECONDS", "900"))
        self.MAIL_VISIBILITY_TIMEOUT_SECONDS = int(env.get("MAIL_VISIBILITY_TIMEOUT_SECONDS", "3600"))
        # A row claimed longer ago than this belongs to a dead worker: the sweep releases it.
        self.MAIL_CLAIM_TIMEOUT_SECONDS = float(env.get("MAIL_CLAIM_TIMEOUT_SECONDS", "300"))
        self.MAIL_SWEEP_SECONDS = float(env.get("MAIL_SWEEP_SECONDS", "60"))
        # Rows younger than this still have their own task in the queue.
        self.MAIL_SWEEP_GRACE_SECONDS = float(env.get("MAIL_SWEEP_GRACE_SECONDS", "120"))
        self.MAIL_DIGEST_HOUR = int(env.get("MAIL_DIGEST_HOUR", "7"))
        self.MAIL_UNSUBSCRIBE_MAX_AGE = int(timedelta(days=365).total_seconds())

    def _read_matching(self, env):
        """Read the matching runs' settings: timings, retries, and from what size a run uses two cores."""
        # A proposal nobody answers releases its units after this long.
        self.PROPOSAL_TTL_HOURS = float(env.get("PROPOSAL_TTL_HOURS", "48"))
        self.MATCHING_BEAT_SECONDS = float(env.get("MATCHING_BEAT_SECONDS", "300"))
        # After an approval or a new demand, one run this long after the first event of a burst.
        self.MATCHING_DEBOUNCE_SECONDS = int(env.get("MATCHING_DEBOUNCE_SECONDS", "30"))
        self.MATCHING_RUN_ON_EVENTS = env.get("MATCHING_RUN_ON_EVENTS", "1") == "1"
        # Stock that moved while a run solved: read and solve again, at most this many times.
        self.MATCHING_MAX_ATTEMPTS = int(env.get("MATCHING_MAX_ATTEMPTS", "3"))
        # A run task handed out this many times without finishing (its worker died each time) is dropped.
        self.MATCHING_MAX_DELIVERIES = int(env.get("MATCHING_MAX_DELIVERIES", "3"))
        # A run of this many offers and demands in all solves its markets on two cores (a helper process
        # takes all but the costliest); empty: never. Below it, the helper's start-up costs more than it saves.
        parallel_from = env.get("MATCHING_PARALLEL_FROM_ROWS", "150000")
        self.MATCHING_PARALLEL_FROM_ROWS = int(parallel_from) if parallel_from else None
        # A running run's worker renews its lease every third of this; a run not renewed this long is shown
        # stopped, and a beat task this often closes the runs whose worker is gone (docs/matching.md).
        self.MATCHING_LEASE_SECONDS = float(env.get("MATCHING_LEASE_SECONDS", "30"))
        self.PROPOSAL_EXPIRY_SECONDS = float(env.get("PROPOSAL_EXPIRY_SECONDS", "300"))

    def _celery_settings(self):
        """Build Celery settings: Redis when REDIS_URL is set, otherwise eager in-process tasks."""
        settings = {
            "task_ignore_result": False,
            "imports": ("workers.tasks.system", "workers.tasks.demands", "workers.tasks.mail", "workers.tasks.matching"),
            "beat_schedule": {
                "expire-demands": {"task": "demands.expire_overdue", "schedule": timedelta(hours=1)},
                "mail-sweep": {"task": "mail.sweep", "schedule": timedelta(seconds=self.MAIL_SWEEP_SECONDS)},
                "mail-digest": {"task": "mail.digest", "schedule": crontab(hour=self.MAIL_DIGEST_HOUR, minute=0)},
                "matching-run": {"task": "matching.run", "schedule": timedelta(seconds=self.MATCHING_BEAT_SECONDS),
                                 "args": ("beat",)},
                "matching-close-abandoned": {"task": "matching.close_abandoned",
                                             "schedule": timedelta(seconds=self.MATCHING_LEASE_SECONDS)},
                "proposals-expire": {"task": "proposals.expire",
                                     "schedule": timedelta(seconds=self.PROPOSAL_EXPIRY_SECONDS)},
            },
            "task_acks_late": True,
            "worker_prefetch_multiplier": 1,
            "broker_connection_retry_on_startup": True,
            # Keep reconnecting for ever when Redis goes away, and give unacked work back on the way.
            "broker_connection_retry": True,
            "broker_connection_max_retries": None,
            "worker_cancel_long_running_tasks_on_connection_loss": True,
            "broker_transport_options": {
                "visibility_timeout": self.MAIL_VISIBILITY_TIMEOUT_SECONDS,
                "socket_keepalive": True,
                "health_check_interval": 10,
                **self.REDIS_CLIENT_OPTIONS,
            },
            "result_backend_transport_options": {"socket_keepalive": True, "health_check_interval": 10},
            # A web request publishing while Redis is down gives up quickly; the mail sweep catches up. One
            # retry at once reconnects a pooled connection Redis closed; a frozen Redis costs two socket timeouts.
            "task_publish_retry_policy": {"max_retries": 1, "interval_start": 0},
            "timezone": ZONE_NAME,
            "enable_utc": True,
            # Where beat remembers when each entry last ran (workers/worker.py creates its folder).
            "beat_schedule_filename": self.BEAT_SCHEDULE_FILE,
        }
        if self.REDIS_URL:
            settings.update(broker_url=self.REDIS_URL, result_backend=self.REDIS_URL)
        else:
            settings.update(
                broker_url="memory://",
                result_backend="cache+memory://",
                task_always_eager=True,
                task_eager_propagates=True,
            )
        return settings


class Development(Base):
    """Local development: the embedded default."""

    MARKETPLACE_ENV = "development"
    DEBUG = True


class Testing(Base):
    """The test suite: temporary database, no CSRF in the client unless a test asks for it."""

    MARKETPLACE_ENV = "testing"
    TESTING = True
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = True

    def __init__(self):
        super().__init__()
        self.SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "sqlite://")
        # Mailed links are built on SITE_URL: the test client's own host, so a test can follow them.
        self.SITE_URL = os.environ.get("SITE_URL", "http://localhost")
        self.RATELIMIT_STORAGE_URI = "memory://"


class Production(Base):
    """Production: real secrets required, secure cookies, HTTPS."""

    MARKETPLACE_ENV = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    FORCE_HTTPS = True
    PREFERRED_URL_SCHEME = "https"

    def __init__(self):
        super().__init__()
        if self.SECRET_KEY in ("", DEFAULT_SECRET_KEY) or len(self.SECRET_KEY) < 32:
            raise RuntimeError(
                "SECRET_KEY must be set to a random value of at least 32 characters in production."
            )
        # A request for another host is refused (400): by default, only SITE_URL's host is served.
        self.TRUSTED_HOSTS = self.TRUSTED_HOSTS or [urlsplit(self.SITE_URL).hostname]


ENVIRONMENTS = {"development": Development, "testing": Testing, "production": Production}


def load(name=None):
    """Return the settings object for the given environment name, or for MARKETPLACE_ENV.

    Without a name (what wsgi.py and the Celery worker do), the development secret is refused unless
    MARKETPLACE_ENV names development (or testing) explicitly: a server started with no environment
    at all must not sign sessions with a key everyone can read in this file.
    """
    explicit = name or os.environ.get("MARKETPLACE_ENV")
    try:
        config = ENVIRONMENTS[explicit or "development"]()
    except KeyError:
        raise RuntimeError(f"Unknown MARKETPLACE_ENV {explicit!r}; use one of {sorted(ENVIRONMENTS)}")
    if config.SECRET_KEY == DEFAULT_SECRET_KEY and explicit not in ("development", "testing"):
        raise RuntimeError(
            "SECRET_KEY is not set: export SECRET_KEY, or MARKETPLACE_ENV=development to run with the development key."
        )
    return config
