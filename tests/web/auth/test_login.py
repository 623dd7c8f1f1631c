import pytest

from marketplace.domain.organisations import OrganisationKind
from tests.conftest import PASSWORD
from tests.factories import AdminFactory, ProducerFactory, UserFactory
from tests.support.pages import without_form_tokens
from tests.support.signup import signup_data


def test_an_unconfirmed_user_is_asked_to_confirm_then_logs_in_after_following_the_mailed_link(client, outbox):
    client.post("/auth/signup", data=signup_data())
    credentials = {"email": "anne@filtres-armor.fr", "password": "long enough password"}

    page = client.post("/auth/login", data=credentials).get_data(as_text=True)
    assert "Confirmez d&#39;abord votre adresse e-mail" in page

    link = next(line for line in outbox.text(outbox.messages()[0]).splitlines() if "/auth/confirm/" in line)
    confirmed = client.get(link.replace("http://localhost", ""), follow_redirects=True)
    assert "Votre adresse e-mail est confirmée." in confirmed.get_data(as_text=True)

    response = client.post("/auth/login", data=credentials)
    assert response.status_code == 302
    assert "Anne Le Goff" in client.get("/").get_data(as_text=True)


def test_a_tampered_confirmation_link_is_refused(client):
    response = client.get("/auth/confirm/not-a-real-token", follow_redirects=True)
    assert "Ce lien n&#39;est pas valide." in response.get_data(as_text=True)


def test_a_wrong_password_is_refused_with_a_message(app, client):
    user = UserFactory()
    page = client.post("/auth/login", data={"email": user.email, "password": "wrong one"}).get_data(as_text=True)
    assert "Adresse e-mail ou mot de passe incorrect." in page
    assert f'value="{user.email}"' in page


def test_after_five_failures_in_a_minute_login_says_try_again_later(client):
    user = UserFactory()
    for _ in range(5):
        assert client.post("/auth/login", data={"email": user.email, "password": "nope"}).status_code == 200

    blocked = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})

    assert blocked.status_code == 429
    assert "Trop de tentatives. Merci de réessayer dans une minute." in blocked.get_data(as_text=True)


def test_successful_logins_do_not_count_towards_the_limit(client):
    user = UserFactory()
    for _ in range(7):
        assert client.post("/auth/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
        client.post("/auth/logout")


def test_remember_me_sets_a_long_lived_cookie(client):
    user = UserFactory()
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    assert "remember_token=" in " ".join(response.headers.getlist("Set-Cookie"))


def test_logout_ends_the_session(client, login):
    login(UserFactory())
    assert client.get("/auth/account").status_code == 200
    client.post("/auth/logout")
    assert client.get("/auth/account").status_code == 302


@pytest.mark.parametrize("target", ["https://evil.example.com/", "//evil.example.com/", "/\\evil.example.com/"])
def test_login_never_redirects_to_another_site(client, target):
    user = UserFactory()
    response = client.post("/auth/login", query_string={"next": target}, data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/buyers/demands"


def test_login_honours_a_local_next_page(client):
    user = UserFactory()
    response = client.post("/auth/login?next=/catalogue", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/catalogue"


@pytest.mark.parametrize("factory, area", [
    (UserFactory, "/buyers/demands"),
    (ProducerFactory, "/producers-area/"),
    (AdminFactory, "/admin/"),
])
def test_login_says_so_and_opens_the_users_own_area(client, factory, area):
    user = factory()
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == area
    page = client.get(area).get_data(as_text=True)
    assert f"Vous êtes connecté(e). Bienvenue, {user.full_name}." in page


def test_a_local_authority_lands_in_its_buyer_area(client):
    user = UserFactory(organisation__kind=OrganisationKind.LOCAL_AUTHORITY, organisation__authority_type="commune")
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/buyers/demands"


def test_the_home_page_offers_a_logged_in_user_their_area_instead_of_log_in(client, login):
    login(ProducerFactory())
    page = client.get("/").get_data(as_text=True)
    assert 'href="/producers-area/">Mon espace</a>' in page
    assert 'btn-lg" href="/auth/login"' not in page

UNSAFE_TARGETS = ["////evil.example", "///evil.example/", "/\t/evil.example", "/%2F/evil.example", "/\n/evil.example",
                  "/.//evil.example", "https:evil.example", "javascript:alert(1)"]


@pytest.mark.parametrize("target", UNSAFE_TARGETS)
def test_login_never_redirects_off_site_however_the_target_is_written(client, target):
    user = UserFactory()
    response = client.post("/auth/login", query_string={"next": target}, data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/buyers/demands"


@pytest.mark.parametrize("target", UNSAFE_TARGETS)
def test_the_language_switch_never_redirects_off_site(client, target):
    response = client.post("/language/en", data={"next": target})
    assert response.headers["Location"] == "/"


def test_login_checks_a_password_hash_whether_the_address_exists_or_not(client, monkeypatch):
    import marketplace.models.user as user_module

    checked = []
    real_check = user_module.check_password_hash
    monkeypatch.setattr(user_module, "check_password_hash", lambda *args: checked.append(1) or real_check(*args))
    known = UserFactory()

    first = client.post("/auth/login", data={"email": known.email, "password": "wrong one"}).get_data(as_text=True)
    second = client.post("/auth/login", data={"email": "nobody@example.fr", "password": "wrong one"}).get_data(as_text=True)

    assert checked == [1, 1]
    assert without_form_tokens(first.replace(known.email, "X")) == without_form_tokens(second.replace("nobody@example.fr", "X"))

