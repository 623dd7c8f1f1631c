"""The full stack as the README's "Deployment" section runs it, from a fresh copy of the repository.

A clone, `make install` (this virtualenv stands in for the one it would download: make is told its
packages are installed, and runs the rest, the translations included), the variables of
deploy/marketplace.env.example, `flask db upgrade`, then web, worker and beat from the Procfile's own
command lines. A buyer logs in and posts a demand over HTTP as the TLS proxy forwards it; the worker
runs the matching and the producer's mail reaches the SMTP server, in French.
"""
import http.client
import re
import secrets
import subprocess
import sys
from urllib.parse import urlencode

import pytest

from marketplace.extensions import db
from tests.conftest import PASSWORD, build_app
from tests.factories import OfferFactory, ProducerFactory, UserFactory
from tests.support.checkout import fresh_copy
from tests.support.clock import days_from_today
from tests.support.servers import PostgresForTests, free_port, wait_for_port

pytestmark = pytest.mark.integration

SITE = "masques.example.fr"


def procfile(clone):
    """Return {process: command line} from the clone's Procfile."""
    lines = (line.split(":", 1) for line in (clone / "Procfile").read_text().splitlines() if line.strip())
    return {name.strip(): command.strip() for name, command in lines}


class Stack:
    """The Procfile's processes, started from the clone with the deployment's environment."""

    def __init__(self, clone, env, logs):
        self.clone, self.env, self.logs, self.processes = clone, env, logs, {}

    def start(self, name, command):
        log = open(self.logs / f"{name}.log", "w")
        # honcho runs each line through the shell, which expands ${BIND:-…}; so do we.
        self.processes[name] = subprocess.Popen(["sh", "-c", f"exec {command}"], cwd=self.clone, env=self.env,
                                                stdout=log, stderr=subprocess.STDOUT)

    def log(self, name):
        return (self.logs / f"{name}.log").read_text()

    def assert_running(self):
        for name, process in self.processes.items():
            assert process.poll() is None, f"{name} exited:\n{self.log(name)}"

    def stop(self):
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()


class Browser:
    """HTTP as the TLS proxy forwards it: plain http to gunicorn, X-Forwarded-Proto: https, the public host."""

    def __init__(self, port):
        self.port, self.cookies = port, {}

    def request(self, method, path, form=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Host": SITE, "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
        if self.cookies:  # Secure cookies: the browser sends them, since it spoke https to the proxy
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:  # Flask-WTF checks, on https, that a form comes from a page of the site
            body = urlencode(form, doseq=True)
            headers |= {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"https://{SITE}{path}"}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        page = response.read().decode()
        connection.close()
        return response, page

    def submit(self, path, **fields):
        """Fetch the form at path and post it with its CSRF token; return the response."""
        _, page = self.request("GET", path)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response, _ = self.request("POST", path, {"csrf_token": token, **fields})
        return response


@pytest.fixture
def stack_database():
    server = PostgresForTests()
    yield server.create()
    server.drop()


def test_the_stack_started_as_the_readme_says_matches_on_the_worker_and_mails_in_french(
        tmp_path, stack_database, redis_url, smtp_server, monkeypatch):
    clone = fresh_copy(tmp_path / "marketplace")
    (clone / ".venv").symlink_to(sys.prefix)
    subprocess.run(["make", "-o", ".venv/.installed", "install"], cwd=clone, check=True, capture_output=True)
    port = free_port()
    env = {
        "PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
        "MARKETPLACE_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": stack_database, "REDIS_URL": redis_url, "SITE_URL": f"https://{SITE}",
        "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp_server.port), "MAIL_USE_STARTTLS": "0",
        "TRUSTED_HOSTS": SITE, "TRUSTED_PROXY_HOPS": "1", "FORWARDED_ALLOW_IPS": "127.0.0.1",
        "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1", "WORKER_CONCURRENCY": "1",
        "MATCHING_DEBOUNCE_SECONDS": "1",
    }
    subprocess.run([".venv/bin/flask", "db", "upgrade"], cwd=clone, env=env, check=True, capture_output=True)
    producer, buyer = people(monkeypatch, tmp_path, stack_database)

    stack = Stack(clone, env, tmp_path)
    try:
        for name, command in procfile(clone).items():
            stack.start(name, command)
        wait_for_port(port)
        browser = Browser(port)
        assert browser.submit("/auth/login", email=buyer, password=PASSWORD).status == 302
        posted = browser.submit("/buyers/demands/new", category="FFP2", quantity="50000", region_code="53",
                                departement_code="35", max_unit_price="0.95",
                                needed_by=days_from_today(20).isoformat(), contact_name="Claire Martin",
                                contact_email="claire@example.fr", contact_phone="")
        assert posted.status == 302 and posted.getheader("Location").startswith("/buyers/demands/")

        received = smtp_server.wait_for(lambda received: any(producer in r.recipients for r in received), timeout=60)
        [mail] = [message for message in received if producer in message.recipients]
        stack.assert_running()
    finally:
        stack.stop()

    assert mail.subject == "Nouvelle proposition : 50\u202f000 masques FFP2"
    assert "Bonjour" in mail.text and f"https://{SITE}/" in mail.text
    assert re.search(r"Task matching\.run\[[^]]+\] succeeded", stack.log("worker"))
    assert "beat: Starting..." in stack.log("beat") and list(clone.glob("instance/celerybeat-schedule*"))
    assert "POST /buyers/demands/new" in stack.log("web")


def people(monkeypatch, tmp_path, database_url):
    """A producer with an approved offer and a buyer, in the stack's database; return their addresses."""
    app = build_app(monkeypatch, tmp_path / "seed", database_url)
    with app.app_context():
        producer = ProducerFactory(locale="fr")
        OfferFactory(certification__organisation=producer.organisation, quantity=80_000)
        buyer = UserFactory(locale="fr")
        db.session.commit()
        addresses = producer.email, buyer.email
        db.session.remove()
        db.engine.dispose()
    return addresses
