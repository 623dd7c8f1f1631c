"""Fixtures shared by the whole suite: apps on SQLite or the real PostgreSQL, clients, mail."""
import contextvars
import email
import shutil
from contextlib import contextmanager
from email import policy
from pathlib import Path

import flask_migrate
import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import text

from config import settings
from marketplace import create_app
from marketplace.extensions import db
from tests.support.servers import PostgresForTests, RedisForTests

pytest_plugins = ["tests.support.clock"]

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")
PASSWORD = "correct horse battery"


class RequestIsolatedClient(FlaskClient):
    """A test client whose requests run in their own app context, as in production.

    The test itself holds an app context (for factories and queries); without this, requests
    would share its `g`, so the cached locale and logged-in user would leak between requests.
    """

    def open(self, *args, **kwargs):
        if not has_app_context():  # a redirect followed inside an isolated request
            return super().open(*args, **kwargs)
        response = contextvars.Context().run(super().open, *args, **kwargs)
        db.session.expire_all()
        return response


def build_app(monkeypatch, tmp_path, database_url, redis_url=None, **overrides):
    """Create the app as production does, from environment variables; overrides replace settings."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("OUTBOX_DIR", str(tmp_path / "outbox"))
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    if redis_url:
        monkeypatch.setenv("REDIS_URL", redis_url)
    else:
        monkeypatch.delenv("REDIS_URL", raising=False)
    config = settings.load("testing")
    for name, value in overrides.items():
        setattr(config, name, value)
    application = create_app(config)
    application.test_client_class = RequestIsolatedClient
    return application


def migrate(app):
    with app.app_context():
        flask_migrate.upgrade(directory=MIGRATIONS, revision="heads")
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """An SQLite database built by the migrations once; each test gets a copy."""
    folder = tmp_path_factory.mktemp("template")
    path = folder / "template.sqlite3"
    with pytest.MonkeyPatch.context() as mp:
        migrate(build_app(mp, folder, f"sqlite:///{path}"))
    return path


@pytest.fixture
def app(sqlite_template, tmp_path, monkeypatch):
    """The app on a fresh SQLite copy of the migrated schema, with an app context pushed."""
    database = tmp_path / "test.sqlite3"
    shutil.copy(sqlite_template, database)
    application = build_app(monkeypatch, tmp_path, f"sqlite:///{database}")
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login(client):
    """Log a user in through the real login form."""

    def do_login(user, password=PASSWORD):
        response = client.post("/auth/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    return do_login


class Outbox:
    """The mails the embedded default wrote as .eml files."""

    def __init__(self, folder):
        self.folder = Path(folder)

    def messages(self):
        if not self.folder.exists():
            return []
        return [
            email.message_from_bytes(path.read_bytes(), policy=policy.default)
            for path in sorted(self.folder.glob("*.eml"))
        ]

    def to(self, address):
        return [m for m in self.messages() if m["To"] == address]

    @staticmethod
    def text(message):
        return message.get_body(("plain",)).get_content()


@pytest.fixture
def outbox(app):
    return Outbox(app.config["OUTBOX_DIR"])


# --- the real stack -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_url():
    """A database of this run's own on a real PostgreSQL, migrated, dropped at the end."""
    server = PostgresForTests()
    url = server.create()
    try:
        with pytest.MonkeyPatch.context() as mp:
            migrate(build_app(mp, Path("/tmp"), url))
        yield url
    finally:
        server.drop()


@pytest.fixture(scope="session")
def redis_url():
    """A Redis database index of this run's own, flushed at the end."""
    server = RedisForTests()
    try:
        yield server.url
    finally:
        server.close()


def truncate_all():
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.session.commit()


@contextmanager
def emptied_afterwards(application):
    """Run inside the application's context, then empty every table and drop its connections."""
    with application.app_context():
        try:
            yield application
        finally:
            db.session.rollback()
            truncate_all()
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def pg_app(postgres_url, redis_url, tmp_path, monkeypatch):
    """The app on the real PostgreSQL and Redis; every table emptied after the test."""
    with emptied_afterwards(build_app(monkeypatch, tmp_path, postgres_url, redis_url)) as application:
        yield application
