"""Attempts are counted before the password is checked, per address and per account; mail-sending forms are limited."""
from tests.conftest import PASSWORD
from tests.factories import UserFactory
from tests.support.bursts import post_at_once
from tests.web.auth.test_signup import signup_data


def post_from(client, address, path, data):
    return client.post(path, data=data, environ_base={"REMOTE_ADDR": address})


def test_thirty_wrong_passwords_at_once_get_five_checks_and_twenty_five_429(app):
    user = UserFactory()

    statuses = post_at_once(app, 30, "/auth/login", {"email": user.email, "password": "wrong one"})

    assert statuses == [200] * 5 + [429] * 25


def test_an_account_is_limited_whatever_the_address_the_attempts_come_from(client):
    user = UserFactory()
    for number in range(5):
        assert post_from(client, f"198.51.100.{number}", "/auth/login", {"email": user.email, "password": "no"}).status_code == 200

    blocked = post_from(client, "198.51.100.99", "/auth/login", {"email": user.email.upper(), "password": PASSWORD})

    assert blocked.status_code == 429


def test_other_accounts_still_log_in_from_another_address_while_one_is_limited(client):
    target, bystander = UserFactory(), UserFactory()
    for _ in range(6):
        post_from(client, "198.51.100.1", "/auth/login", {"email": target.email, "password": "no"})

    response = post_from(client, "198.51.100.2", "/auth/login", {"email": bystander.email, "password": PASSWORD})

    assert response.status_code == 302


def test_forgot_password_mails_one_address_a_few_times_an_hour_then_says_try_again_later(client, outbox):
    user = UserFactory()
    statuses = [post_from(client, f"198.51.100.{n}", "/auth/forgot-password", {"email": user.email}).status_code
                for n in range(5)]
    assert statuses == [302] * 3 + [429] * 2
    assert len(outbox.to(user.email)) == 3


def test_forgot_password_is_limited_per_address_across_recipients(client):
    statuses = [post_from(client, "198.51.100.7", "/auth/forgot-password", {"email": f"n{n}@example.fr"}).status_code
                for n in range(12)]
    assert statuses == [302] * 10 + [429] * 2


def test_resend_confirmation_is_limited(client):
    statuses = [client.post("/auth/resend-confirmation", data={"email": "someone@example.fr"}).status_code
                for _ in range(4)]
    assert statuses == [302] * 3 + [429]


def test_signup_is_limited_per_address(client):
    statuses = [
        client.post("/auth/signup", data=signup_data(email=f"owner{n}@example.fr", siret="x")).status_code
        for n in range(11)
    ]
    assert statuses == [200] * 10 + [429]


def test_invitations_are_limited_per_owner(client, login, outbox):
    login(UserFactory())
    statuses = [client.post("/auth/account", data={"email": f"colleague{n}@example.fr"}).status_code for n in range(21)]
    assert statuses == [302] * 20 + [429]
    assert len(outbox.messages()) == 20
