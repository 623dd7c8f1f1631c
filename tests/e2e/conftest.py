"""A live server on a real port and a real headless Chromium driven by Playwright."""
import shutil
import threading

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from marketplace.extensions import db
from tests.conftest import Outbox, build_app
from tests.support.servers import free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.outbox = Outbox(app.config["OUTBOX_DIR"])
        self._server = make_server("127.0.0.1", self.port, app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self):
        self._thread.start()

    def stop(self):
        self._server.shutdown()
        self._thread.join(10)


@pytest.fixture
def live_server(sqlite_template, tmp_path, monkeypatch):
    """The app served over HTTP on a free port, on a fresh copy of the migrated SQLite schema."""
    database = tmp_path / "live.sqlite3"
    shutil.copy(sqlite_template, database)
    app = build_app(monkeypatch, tmp_path, f"sqlite:///{database}")
    server = LiveServer(app)
    server.start()
    with app.app_context():
        yield server
        db.session.remove()
        db.engine.dispose()
    server.stop()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
