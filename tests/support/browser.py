"""Logging in and out through the real pages in the browser tests."""
from tests.conftest import PASSWORD


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/auth/login")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("button", name="Se déconnecter").wait_for()


def log_out(page):
    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_role("link", name="Se connecter").first.wait_for()
