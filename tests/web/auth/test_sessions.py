"""Sessions can be revoked: log out everywhere and a password reset end every copy of the cookies."""
from datetime import timedelta

from tests.conftest import PASSWORD
from tests.factories import UserFactory
from tests.web.auth.test_password_reset import reset_link


def copy_cookies(app, source):
    """Return a new client carrying the session and remember cookies source holds now (a stolen copy)."""
    thief = app.test_client()
    for name in ("session", "remember_token"):
        cookie = source.get_cookie(name)
        if cookie is not None:
            thief.set_cookie(name, cookie.value)
    return thief


def only_remember_cookie(app, source):
    """Return a new client with source's remember cookie alone, as a browser reopened days later."""
    reopened = app.test_client()
    reopened.set_cookie("remember_token", source.get_cookie("remember_token").value)
    return reopened


def logs_in_with_remember_me(client, user):
    data = {"email": user.email, "password": PASSWORD, "remember": "y"}
    assert client.post("/auth/login", data=data).status_code == 302


def is_logged_in(client):
    return client.get("/auth/account").status_code == 200


def test_the_account_page_offers_to_log_out_everywhere(client, login):
    login(UserFactory())
    page = client.get("/auth/account").get_data(as_text=True)
    assert 'action="/auth/logout-everywhere"' in page
    assert "Se déconnecter partout" in page


def test_log_out_everywhere_ends_copied_session_and_remember_cookies(app, client):
    user = UserFactory()
    logs_in_with_remember_me(client, user)
    stolen = copy_cookies(app, client)
    reopened = only_remember_cookie(app, client)
    assert is_logged_in(stolen)

    response = client.post("/auth/logout-everywhere", follow_redirects=True)

    assert "Vous êtes déconnecté de tous vos appareils." in response.get_data(as_text=True)
    assert not is_logged_in(client)
    assert not is_logged_in(stolen)
    assert not is_logged_in(reopened)
    logs_in_with_remember_me(client, user)
    assert is_logged_in(client)


def test_a_password_reset_ends_every_session_and_remember_cookie(app, client, outbox):
    user = UserFactory()
    logs_in_with_remember_me(client, user)
    stolen = copy_cookies(app, client)
    reopened = only_remember_cookie(app, client)
    visitor = app.test_client()
    visitor.post("/auth/forgot-password", data={"email": user.email})

    visitor.post(reset_link(outbox, user.email), data={"password": "a brand new secret", "confirm": "a brand new secret"})

    assert not is_logged_in(stolen)
    assert not is_logged_in(reopened)


def test_a_remember_cookie_is_refused_once_its_duration_is_over_even_if_the_browser_keeps_it(app, client, clock):
    logs_in_with_remember_me(client, UserFactory())
    clock.advance(app.config["REMEMBER_COOKIE_DURATION"] - timedelta(hours=1))
    assert is_logged_in(only_remember_cookie(app, client))

    clock.advance(timedelta(hours=2))

    assert not is_logged_in(only_remember_cookie(app, client))
    assert not is_logged_in(copy_cookies(app, client))
