"""The language switch lands on a page a GET can show, a choice made before logging in sticks, error pages speak."""
import re

from marketplace.extensions import db
from tests.factories import AdminFactory, LocalAuthorityFactory, OrderFactory, PoolFactory, UserFactory


def language_next(page):
    """Return where the page's language switch sends the visitor back."""
    return re.search(r'name="next" value="([^"]*)"', page).group(1)


def switch_to_english(client, page):
    return client.post("/language/en", data={"next": language_next(page)}, follow_redirects=True)


def failed_payment(client, order, referrer=None):
    """Post a payment with a date the form refuses; return the page it renders."""
    headers = {"Referer": f"http://localhost{referrer}"} if referrer else {}
    return client.post(f"/orders/{order.id}/payment", data={"reference": "M-77", "paid_on": "demain"},
                       headers=headers).get_data(as_text=True)


def test_switching_language_after_a_payment_form_error_shows_the_order_in_english(client, login):
    buyer = LocalAuthorityFactory()
    order = OrderFactory(buyer=buyer.organisation)
    login(buyer)
    error = failed_payment(client, order, referrer=f"/orders/{order.id}")
    assert language_next(error) == f"/orders/{order.id}"
    switched = switch_to_english(client, error)
    assert switched.status_code == 200 and switched.request.path == f"/orders/{order.id}"
    assert '<html lang="en">' in switched.get_data(as_text=True)


def test_without_a_referrer_the_switch_goes_to_the_page_of_the_object_the_form_acts_on(client, login):
    buyer = LocalAuthorityFactory()
    order = OrderFactory(buyer=buyer.organisation)
    login(buyer)
    # A second failed try: the browser's referrer is the POST-only URL itself.
    error = failed_payment(client, order, referrer=f"/orders/{order.id}/payment")
    assert language_next(error) == f"/orders/{order.id}"
    bare = failed_payment(client, order)
    assert switch_to_english(client, bare).status_code == 200


def test_switching_language_after_a_pool_join_error_keeps_the_join_link(client, login):
    pool = PoolFactory()
    member = UserFactory()
    login(member)
    link = f"/buyers/pools/{pool.id}?code={pool.join_code}"
    error = client.post(
        f"/buyers/pools/{pool.id}/join", data={"quantity": "abc", "code": pool.join_code},
        headers={"Referer": f"http://localhost{link}"},
    )
    assert error.status_code == 200
    assert language_next(error.get_data(as_text=True)) == link.replace("&", "&amp;")


def test_a_referrer_of_another_site_is_never_used(client, login):
    buyer = LocalAuthorityFactory()
    order = OrderFactory(buyer=buyer.organisation)
    login(buyer)
    error = client.post(
        f"/orders/{order.id}/payment", data={"reference": "M-77", "paid_on": "demain"},
        headers={"Referer": "http://evil.example/orders/1"},
    ).get_data(as_text=True)
    assert language_next(error) == f"/orders/{order.id}"


def test_a_language_chosen_before_logging_in_is_kept_and_saved_to_the_account(client, login):
    user = UserFactory(locale="fr")
    client.post("/language/en", data={"next": "/"})
    login(user)
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page and "Log out" in page
    db.session.refresh(user)
    assert user.locale == "en"


def test_without_a_choice_the_accounts_language_applies(client, login):
    login(UserFactory(locale="en"))
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_a_choice_made_while_logged_in_wins_over_the_saved_language_and_is_saved(client, login):
    user = UserFactory(locale="en")
    login(user)
    client.post("/language/fr", data={"next": "/"})
    assert '<html lang="fr">' in client.get("/").get_data(as_text=True)
    db.session.refresh(user)
    assert user.locale == "fr"


def test_error_pages_have_a_human_title(client, login):
    page = client.get("/no-such-page").get_data(as_text=True)
    assert "<title>Page introuvable · " in page and "<title>404" not in page
    order = OrderFactory()
    login(UserFactory())
    assert "<title>Page introuvable" in client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "<title>Action non autorisée" in client.get(f"/orders/{order.id}/payment").get_data(as_text=True)
    client.post("/auth/logout")
    login(AdminFactory(admin_region_code="11"))  # the buyer is in Bretagne
    assert "<title>Accès refusé · " in client.get(f"/orders/{order.id}").get_data(as_text=True)
    client.post("/language/en", data={"next": "/"})
    assert "<title>Page not found · " in client.get("/no-such-page").get_data(as_text=True)


def test_the_site_has_a_favicon(client):
    assert 'rel="icon"' in client.get("/").get_data(as_text=True)
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert client.get("/static/favicon.svg").status_code == 200
