import pytest

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
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"]
    response = app.test_client().get("/", base_url="https://masques.example.fr")
    assert "Strict-Transport-Security" in response.headers


def test_without_redis_tasks_run_in_process(app):
    assert app.config["CELERY"]["task_always_eager"] is True
