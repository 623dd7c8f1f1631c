import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from marketplace.domain.organisations import OrganisationKind
from marketplace.extensions import db
from marketplace.models import Pool, PoolMembership
from marketplace.services import demands, pools
from tests.factories import OrganisationFactory, PoolFactory, PoolMembershipFactory, SectorReferentFactory, UserFactory


def sme(**kwargs):
    return UserFactory(organisation=OrganisationFactory(headcount=40, **kwargs))


def test_a_sector_referent_opens_a_pool(client, login):
    login(SectorReferentFactory())
    response = client.post("/buyers/pools/new", data={
        "category": "UNS1", "region_code": "53", "departement_code": "35", "max_unit_price": "0.60",
        "needed_by": "2099-06-01",
    })
    assert response.status_code == 302
    pool = db.session.scalar(select(Pool))
    assert (pool.sector, pool.max_unit_price_cents) == ("Bois", 60)


def test_an_sme_finds_the_open_pools_of_its_sector_and_joins_one(client, login):
    pool = PoolFactory(sector="Bois")
    other = PoolFactory(organisation=OrganisationFactory(kind=OrganisationKind.SECTOR_REFERENT, sector="Automobile"),
                        sector="Automobile", category="FFP2")
    login(sme())
    listing = client.get("/buyers/pools?sector=Bois").get_data(as_text=True)
    assert f"/buyers/pools/{pool.id}\"" in listing and f"/buyers/pools/{other.id}\"" not in listing
    refused = client.post(f"/buyers/pools/{pool.id}/join", data={"quantity": "500"}).get_data(as_text=True)
    assert "Confirmez que votre entreprise est une PME de la filière Bois." in refused
    response = client.post(f"/buyers/pools/{pool.id}/join", data={"quantity": "500", "in_sector": "y"})
    assert response.status_code == 302
    assert db.session.scalar(select(PoolMembership.quantity)) == 500


def test_a_member_changes_its_quantity_without_ticking_the_sme_box_again(client, login):
    pool = PoolFactory(sector="Bois")
    member = PoolMembershipFactory(pool=pool, organisation=OrganisationFactory(headcount=40, sector="Bois"))
    login(member.user)
    page = client.get(f"/buyers/pools/{pool.id}").get_data(as_text=True)
    box = page[page.index('id="in_sector"') - 120:page.index('id="in_sector"') + 120]
    assert "checked" in box
    response = client.post(f"/buyers/pools/{pool.id}/join", data={"quantity": "800", "in_sector": "y"})
    assert response.status_code == 302
    assert db.session.scalar(select(PoolMembership.quantity)) == 800


def test_a_member_sees_its_own_quantity_and_share_but_not_the_other_members(client, login):
    pool = PoolFactory()
    mine = PoolMembershipFactory(pool=pool, quantity=30_000)
    PoolMembershipFactory(pool=pool, quantity=20_000, organisation=OrganisationFactory(name="Scierie Voisine"))
    demand = pools.submit_pool(UserFactory(organisation=pool.organisation), pool)
    demands.record_match(demand, 50_000, 50_000 * 55)
    db.session.commit()
    login(mine.user)
    page = client.get(f"/buyers/pools/{pool.id}").get_data(as_text=True)
    assert "Votre organisation a demandé 30\u202f000 unités." in page
    assert "Votre part : 30\u202f000 unités pour 16\u202f500,00\u00a0€ HT, à prix coûtant." in page
    assert "Scierie Voisine" not in page


def test_the_referent_sees_every_member_and_each_share(client, login):
    pool = PoolFactory()
    PoolMembershipFactory(pool=pool, quantity=30_000, organisation=OrganisationFactory(name="Menuiserie A"))
    PoolMembershipFactory(pool=pool, quantity=20_000, organisation=OrganisationFactory(name="Scierie B"))
    referent = UserFactory(organisation=pool.organisation)
    login(referent)
    page = client.post(f"/buyers/pools/{pool.id}/submit", follow_redirects=True).get_data(as_text=True)
    assert "L&#39;achat groupé est soumis comme une seule demande." in page
    assert "Menuiserie A" in page and "Scierie B" in page


def test_submitting_below_a_lot_is_refused_with_the_figures(client, login):
    pool = PoolFactory()
    PoolMembershipFactory(pool=pool, quantity=1_200)
    login(UserFactory(organisation=pool.organisation))
    page = client.post(f"/buyers/pools/{pool.id}/submit", follow_redirects=True).get_data(as_text=True)
    assert "L&#39;achat groupé réunit 1\u202f200 unités ; il en faut au moins 50\u202f000 pour le soumettre." in page


def test_subcontractors_join_a_companys_pool_through_its_link_only(client, login):
    big = UserFactory(organisation=OrganisationFactory(headcount=2_000))
    pool = PoolFactory(kind="subcontractors", organisation=big.organisation, sector=None, join_code="le-lien-secret")
    login(sme())
    assert client.get(f"/buyers/pools/{pool.id}").status_code == 404
    assert client.post(f"/buyers/pools/{pool.id}/join", data={"quantity": "100"}).status_code == 404
    assert client.get("/buyers/pools/join/le-lien-secret").status_code == 200
    response = client.post(f"/buyers/pools/{pool.id}/join", data={"quantity": "100", "code": "le-lien-secret"})
    assert response.status_code == 302
    assert client.get(f"/buyers/pools/{pool.id}").status_code == 200


# --- access: another organisation's pool -----------------------------------------------------

def test_a_member_cannot_submit_or_cancel_a_pool_it_does_not_run(client, login):
    pool = PoolFactory()
    member = PoolMembershipFactory(pool=pool, quantity=60_000)
    login(member.user)
    assert client.post(f"/buyers/pools/{pool.id}/submit").status_code == 404
    assert client.post(f"/buyers/pools/{pool.id}/cancel").status_code == 404
    assert db.session.get(Pool, pool.id).status == "open"


@pytest.mark.parametrize("kind", [OrganisationKind.SECTOR_REFERENT, OrganisationKind.LOCAL_AUTHORITY, OrganisationKind.HEALTHCARE])
def test_a_buyer_who_may_not_join_cannot_read_another_organisations_pool(client, login, kind):
    pool = PoolFactory()
    login(UserFactory(organisation=OrganisationFactory(kind=kind, sector="Automobile")))
    assert client.get(f"/buyers/pools/{pool.id}").status_code == 404


def test_a_closed_pool_is_hidden_from_companies_that_did_not_join_it(client, login):
    pool = PoolFactory(status="submitted")
    login(sme())
    assert client.get(f"/buyers/pools/{pool.id}").status_code == 404
    assert client.get("/buyers/pools/99999").status_code == 404


def test_my_pools_lists_the_pools_run_and_joined(client, login):
    user = sme()
    joined = PoolMembershipFactory(organisation=user.organisation, user=user, pool=PoolFactory(category="FFP1")).pool
    other = PoolMembershipFactory(pool=PoolFactory(category="FFP3")).pool
    login(user)
    page = client.get("/buyers/pools").get_data(as_text=True)
    assert f"/buyers/pools/{joined.id}\"" in page and f"/buyers/pools/{other.id}\"" not in page


def test_the_referents_cancel_button_mails_every_member(client, login, outbox):
    pool = PoolFactory()
    members = [PoolMembershipFactory(pool=pool, quantity=q, organisation=OrganisationFactory(name=name))
               for q, name in ((30_000, "Menuiserie A"), (4_000, "Scierie B"))]
    referent = UserFactory(organisation=pool.organisation)
    db.session.commit()
    login(referent)
    page = client.get(f"/buyers/pools/{pool.id}").get_data(as_text=True)
    assert f'action="/buyers/pools/{pool.id}/cancel"' in page

    page = client.post(f"/buyers/pools/{pool.id}/cancel", follow_redirects=True).get_data(as_text=True)

    assert "L&#39;achat groupé est annulé." in page
    assert db.session.get(Pool, pool.id).status == "cancelled"
    assert sorted(m["To"] for m in outbox.messages()) == sorted(m.user.email for m in members)
    [mail] = outbox.to(members[1].user.email)
    assert "Votre organisation avait demandé 4\u202f000 unités dans cet achat groupé." in outbox.text(mail)


def test_the_cancellation_mail_links_to_the_open_pools_of_the_same_sector_category_and_region(client, login, outbox):
    cancelled = PoolFactory(category="UNS1", region_code="53")
    member = PoolMembershipFactory(pool=cancelled, quantity=4_000, organisation=OrganisationFactory(headcount=40))
    same = PoolFactory(organisation=cancelled.organisation, category="UNS1", region_code="53")
    other_category = PoolFactory(organisation=cancelled.organisation, category="FFP1", region_code="53")
    other_region = PoolFactory(organisation=cancelled.organisation, category="UNS1", region_code="84")
    other_sector = PoolFactory(organisation=OrganisationFactory(kind=OrganisationKind.SECTOR_REFERENT, sector="Automobile"),
                               sector="Automobile", category="UNS1", region_code="53")
    pools.cancel_pool(UserFactory(organisation=cancelled.organisation), cancelled)

    [mail] = outbox.to(member.user.email)
    link = re.search(r"rejoindre un autre achat groupé ouvert : (\S+)", outbox.text(mail)).group(1)
    login(member.user)
    url = urlsplit(link)
    page = client.get(f"{url.path}?{url.query}").get_data(as_text=True)

    joinable = page.split('id="joinable"')[1]
    assert f"/buyers/pools/{same.id}\"" in joinable
    for pool in (cancelled, other_category, other_region, other_sector):
        assert f"/buyers/pools/{pool.id}\"" not in joinable
    assert '<option value="Bois" selected>' in joinable
    assert '<option value="UNS1" selected>' in joinable and '<option value="53" selected>' in joinable


def test_cancelling_and_leaving_a_pool_ask_for_confirmation(client, login):
    pool = PoolFactory(sector="Bois")
    member = PoolMembershipFactory(pool=pool)
    login(UserFactory(organisation=pool.organisation))
    assert 'data-confirm="Annuler cet achat groupé ?' in client.get(f"/buyers/pools/{pool.id}").get_data(as_text=True)
    client.post("/auth/logout")
    login(member.user)
    assert 'data-confirm="Quitter cet achat groupé ?' in client.get(f"/buyers/pools/{pool.id}").get_data(as_text=True)


def test_a_newcomer_filters_the_open_pools_of_a_sector_by_category_and_region(client, login):
    wanted = PoolFactory(category="FFP2", region_code="84")
    unwanted = PoolFactory(category="FFP2", region_code="53")
    login(sme())
    page = client.get("/buyers/pools").get_data(as_text=True)
    assert 'name="sector"' in page and 'name="category"' in page and 'name="region"' in page
    joinable = client.get("/buyers/pools?sector=Bois&category=FFP2&region=84").get_data(as_text=True)
    assert f"/buyers/pools/{wanted.id}\"" in joinable and f"/buyers/pools/{unwanted.id}\"" not in joinable
    nothing = client.get("/buyers/pools?sector=Bois&category=FFP3").get_data(as_text=True)
    assert "/buyers/pools/" + str(wanted.id) not in nothing
