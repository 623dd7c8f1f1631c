import base64
import hashlib

from sqlalchemy import text

from marketplace.extensions import db
from tests.factories import UserFactory


def reset_link(outbox, address):
    [mail] = outbox.to(address)
    line = next(line for line in outbox.text(mail).splitlines() if "/auth/reset/" in line)
    return line.replace("http://localhost", "")


def test_a_user_resets_a_forgotten_password_from_the_mailed_link(client, outbox):
    user = UserFactory()
    client.post("/auth/forgot-password", data={"email": user.email})
    link = reset_link(outbox, user.email)

    client.post(link, data={"password": "a brand new secret", "confirm": "a brand new secret"})

    assert client.post("/auth/login", data={"email": user.email, "password": "a brand new secret"}).status_code == 302


def test_a_reset_link_works_only_once(client, outbox):
    user = UserFactory()
    client.post("/auth/forgot-password", data={"email": user.email})
    link = reset_link(outbox, user.email)
    client.post(link, data={"password": "a brand new secret", "confirm": "a brand new secret"})

    second = client.post(link, data={"password": "another new secret", "confirm": "another new secret"}, follow_redirects=True)

    assert "Ce lien a déjà été utilisé." in second.get_data(as_text=True)


def test_an_expired_reset_link_is_refused(app, client, outbox):
    user = UserFactory()
    client.post("/auth/forgot-password", data={"email": user.email})
    link = reset_link(outbox, user.email)
    app.config["PASSWORD_RESET_MAX_AGE"] = -1

    page = client.post(link, data={"password": "a brand new secret", "confirm": "a brand new secret"}, follow_redirects=True)

    assert "Ce lien a expiré." in page.get_data(as_text=True)


def test_asking_for_an_unknown_address_reveals_nothing_and_sends_nothing(client, outbox):
    page = client.post("/auth/forgot-password", data={"email": "nobody@example.fr"}, follow_redirects=True)
    assert "Si un compte utilise cette adresse" in page.get_data(as_text=True)
    assert outbox.messages() == []


def test_an_invalid_reset_link_says_so_at_once_and_offers_a_new_one(client):
    page = client.get("/auth/reset/not-a-real-token").get_data(as_text=True)

    assert "Ce lien n&#39;est pas valide." in page
    assert 'href="/auth/forgot-password"' in page
    assert 'name="password"' not in page


def test_a_used_reset_link_shows_no_password_form(client, outbox):
    user = UserFactory()
    client.post("/auth/forgot-password", data={"email": user.email})
    link = reset_link(outbox, user.email)
    assert 'name="password"' in client.get(link).get_data(as_text=True)
    client.post(link, data={"password": "a brand new secret", "confirm": "a brand new secret"})

    page = client.get(link).get_data(as_text=True)

    assert "Ce lien a déjà été utilisé." in page
    assert 'name="password"' not in page


def test_a_reset_link_reveals_nothing_of_the_password_hash_and_is_stored_hashed(client, outbox):
    user = UserFactory()
    client.post("/auth/forgot-password", data={"email": user.email})
    token = reset_link(outbox, user.email).rsplit("/", 1)[-1]

    readable = b"".join(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)) for part in token.split("."))
    assert user.password_hash[-16:].encode() not in readable
    assert b"pw" not in readable and str(user.id).encode() + b"," not in readable
    stored = db.session.execute(text("SELECT token_hash FROM password_reset_token")).scalars().all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]


def test_asking_again_makes_the_earlier_link_stop_working(client, outbox):
    user = UserFactory()
    client.post("/auth/forgot-password", data={"email": user.email})
    first = reset_link(outbox, user.email)
    client.post("/auth/forgot-password", data={"email": user.email})
    second = [line for mail in outbox.to(user.email) for line in outbox.text(mail).splitlines() if "/auth/reset/" in line][-1]

    refused = client.get(first).get_data(as_text=True)

    assert "Un lien plus récent vous a été envoyé depuis : utilisez le dernier." in refused
    assert 'name="password"' not in refused
    assert 'name="password"' in client.get(second.replace("http://localhost", "")).get_data(as_text=True)
