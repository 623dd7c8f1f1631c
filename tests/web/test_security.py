import runpy
from pathlib import Path

import pytest
from flask import request

from config import settings
from marketplace import create_app


def test_forms_without_a_csrf_token_are_refused_with_an_explanation(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/auth/login", data={"email": "a@b.fr", "password": "x"})
    assert response.status_code == 400
    assert "Le formulaire a expiré." in response.get_data(as_text=True)


def test_every_page_carries_security_headers(client):
    headers = client.get("/").headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_production_refuses_to_start_with_the_default_secret(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        settings.load("production")
    monkeypatch.setenv("SECRET_KEY", settings.DEFAULT_SECRET_KEY)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        settings.load("production")


def test_production_cookies_are_secure(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/p.sqlite3")
    monkeypatch.setenv("TRUSTED_HOSTS", "masques.example.fr")
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"]
    response = app.test_client().get("/", base_url="https://masques.example.fr")
    assert "Strict-Transport-Security" in response.headers


def test_without_redis_tasks_run_in_process(app):
    assert app.config["CELERY"]["task_always_eager"] is True


# --- mailed links never follow the Host header --------------------------------------------------


def test_a_reset_link_asked_for_under_another_host_still_points_at_the_site(app, client, outbox):
    from tests.factories import UserFactory

    user = UserFactory()
    client.post("/auth/forgot-password", data={"email": user.email}, headers={"Host": "evil.example"})

    [mail] = outbox.to(user.email)
    links = [word for word in outbox.text(mail).split() if "/auth/reset/" in word]
    assert links and all(link.startswith(app.config["SITE_URL"] + "/auth/reset/") for link in links)
    assert "evil.example" not in mail.as_string()


def _production_app(monkeypatch, tmp_path, **env):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/p.sqlite3")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return create_app("production")


def test_production_refuses_requests_for_a_host_it_does_not_serve(monkeypatch, tmp_path):
    app = _production_app(monkeypatch, tmp_path, TRUSTED_HOSTS="masques.example.fr, www.masques.example.fr")
    client = app.test_client()
    assert client.get("/api/v1/health", base_url="https://masques.example.fr").status_code == 200
    assert client.get("/api/v1/health", base_url="https://www.masques.example.fr").status_code == 200
    refused = client.get("/auth/login", base_url="https://evil.example")
    assert refused.status_code == 400
    assert "La demande n'a pas pu être comprise." in refused.get_data(as_text=True)


def test_production_without_trusted_hosts_serves_only_the_host_of_site_url(monkeypatch, tmp_path):
    monkeypatch.delenv("TRUSTED_HOSTS", raising=False)
    app = _production_app(monkeypatch, tmp_path, SITE_URL="https://masques.example.fr")
    assert app.config["TRUSTED_HOSTS"] == ["masques.example.fr"]
    assert app.test_client().get("/api/v1/health", base_url="https://evil.example").status_code == 400


def test_development_and_tests_accept_any_host_unless_told(monkeypatch):
    monkeypatch.delenv("TRUSTED_HOSTS", raising=False)
    assert settings.load("testing").TRUSTED_HOSTS is None
    monkeypatch.setenv("TRUSTED_HOSTS", "a.example, b.example")
    assert settings.load("development").TRUSTED_HOSTS == ["a.example", "b.example"]


# --- fail-closed: what gunicorn loads ----------------------------------------------------------------

WSGI = str(Path(__file__).resolve().parents[2] / "wsgi.py")


def test_wsgi_refuses_the_development_secret_unless_development_is_said(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/w.sqlite3")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("MARKETPLACE_ENV", raising=False)
    with pytest.raises(RuntimeError, match="MARKETPLACE_ENV=development"):
        runpy.run_path(WSGI)

    monkeypatch.setenv("MARKETPLACE_ENV", "development")
    assert runpy.run_path(WSGI)["app"].config["SECRET_KEY"] == settings.DEFAULT_SECRET_KEY


def test_wsgi_starts_with_a_real_secret_and_no_environment_named(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/w.sqlite3")
    monkeypatch.setenv("SECRET_KEY", "y" * 40)
    monkeypatch.delenv("MARKETPLACE_ENV", raising=False)
    assert runpy.run_path(WSGI)["app"].config["SECRET_KEY"] == "y" * 40


# --- behind a proxy ------------------------------------------------------------------------------------


def failed_logins_through_proxy(client, user, client_address, count):
    headers = {"X-Forwarded-For": client_address, "X-Forwarded-Proto": "https"}
    return [
        client.post("/auth/login", data={"email": f"{n}{user.email}", "password": "no"}, headers=headers,
                    environ_base={"REMOTE_ADDR": "10.0.0.2"}).status_code
        for n in range(count)
    ]


def test_behind_one_trusted_proxy_the_login_limit_counts_each_client_address(app, monkeypatch, tmp_path):
    from tests.conftest import build_app
    from tests.factories import UserFactory

    monkeypatch.setenv("TRUSTED_PROXY_HOPS", "1")
    proxied = build_app(monkeypatch, tmp_path, app.config["SQLALCHEMY_DATABASE_URI"])
    user = UserFactory()
    client = proxied.test_client()

    assert failed_logins_through_proxy(client, user, "198.51.100.1", 6) == [200] * 5 + [429]
    assert failed_logins_through_proxy(client, user, "198.51.100.2", 1) == [200]


def test_without_trusted_proxies_forwarded_headers_are_ignored(client):
    from tests.factories import UserFactory

    user = UserFactory()
    assert failed_logins_through_proxy(client, user, "198.51.100.1", 5) == [200] * 5
    assert failed_logins_through_proxy(client, user, "198.51.100.2", 1) == [429]


def _scheme_and_client_seen_by(app):
    app.add_url_rule("/_seen", "seen", lambda: f"{request.scheme} {request.remote_addr}")
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.1"}
    response = app.test_client().get("/_seen", base_url="http://masques.example.fr", headers=forwarded,
                                     environ_base={"REMOTE_ADDR": "10.0.0.2"})
    return response.get_data(as_text=True)


def test_behind_a_trusted_proxy_the_app_sees_https_and_the_client_address(monkeypatch, tmp_path):
    proxied = _production_app(monkeypatch, tmp_path, TRUSTED_HOSTS="masques.example.fr", TRUSTED_PROXY_HOPS="1")
    assert proxied.config["TRUSTED_PROXY_HOPS"] == 1
    assert _scheme_and_client_seen_by(proxied) == "https 198.51.100.1"


def test_without_trusted_proxies_the_app_sees_the_connection_itself(app):
    assert app.config["TRUSTED_PROXY_HOPS"] == 0
    assert _scheme_and_client_seen_by(app) == "http 10.0.0.2"
