"""Buyers read categories, pool statuses and a pool's progress in plain French."""
from tests.factories import DemandFactory, PoolMembershipFactory, UserFactory


def test_accepted_substitutes_are_named_not_coded(client, login):
    buyer = UserFactory()
    demand = DemandFactory(organisation=buyer.organisation, created_by=buyer, category="UNS1",
                           accepted_substitutes=["FFP2", "SURGICAL_I"])
    login(buyer)
    page = client.get(f"/buyers/demands/{demand.id}").get_data(as_text=True)
    assert "Chirurgical type I" in page and "SURGICAL_I" not in page


def test_a_pool_has_masculine_statuses_and_a_clear_progress(client, login):
    membership = PoolMembershipFactory(quantity=55_000)
    login(membership.user)
    page = client.get(f"/buyers/pools/{membership.pool.id}").get_data(as_text=True)
    assert ">Ouvert</span>" in page and "Ouverte" not in page
    assert "55\u202f000 unités réunies, pour un minimum de 50\u202f000 unités" in page
    listing = client.get("/buyers/pools").get_data(as_text=True)
    assert ">Ouvert</span>" in listing
