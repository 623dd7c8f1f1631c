import re
from datetime import date

from tests.factories import CertificationFactory, OfferFactory, OrganisationFactory
from tests.support.clock import half_past_midnight_in_france


def south():
    return OrganisationFactory(kind="producer", name="Masques du Sud", region_code="76", departement_code="31")


def offer(organisation=None, category="FFP2", **fields):
    certification = CertificationFactory(category=category, **({"organisation": organisation} if organisation else {}))
    return OfferFactory(certification=certification, **fields)


def names_in(page):
    return re.findall(r"<td>([^<]+) \([^)]+\)</td>", page)


def test_the_catalogue_shows_approved_offers_with_prices_with_and_without_tax(client):
    offer(unit_price_cents=90, quantity=50_000)
    page = client.get("/catalogue").get_data(as_text=True)
    assert "FFP2" in page and "50\u202f000" in page
    assert "0,90\xa0€" in page and "0,95\xa0€" in page and "TVA 5,5 %" in page


def test_drafts_pending_rejected_withdrawn_sold_out_and_expired_offers_are_not_listed(client):
    for status in ("draft", "submitted", "rejected", "withdrawn"):
        offer(status=status, unit_price_cents=111)
    offer(status="sold_out", allocated_quantity=100_000, unit_price_cents=111)
    offer(expires_on=date(2020, 6, 1), unit_price_cents=111)
    offer(unit_price_cents=222)
    page = client.get("/catalogue").get_data(as_text=True)
    assert "1,11" not in page and "2,22\xa0€" in page


def test_the_catalogue_filters_by_category_region_quantity_and_price(client):
    offer(category="FFP2", unit_price_cents=90, quantity=100_000)
    offer(south(), category="UNS1", unit_price_cents=120, quantity=300_000, regions=["76"])
    offer(south(), category="UNS1", unit_price_cents=150, quantity=50_000, delivers_everywhere=True)
    assert "1,20" in client.get("/catalogue?category=UNS1").get_data(as_text=True)
    assert "0,90" not in client.get("/catalogue?category=UNS1").get_data(as_text=True)
    bretagne = client.get("/catalogue?region=53").get_data(as_text=True)
    assert "0,90" in bretagne and "1,50" in bretagne and "1,20" not in bretagne
    big = client.get("/catalogue?min_quantity=200000").get_data(as_text=True)
    assert "1,20" in big and "0,90" not in big
    cheap = client.get("/catalogue?max_price=1,00").get_data(as_text=True)
    assert "0,90" in cheap and "1,20" not in cheap


def test_the_catalogue_sorts_by_price_and_by_stock(client):
    for cents, quantity in ((150, 10_000), (90, 30_000), (120, 20_000)):
        offer(unit_price_cents=cents, quantity=quantity)
    page = client.get("/catalogue").get_data(as_text=True)
    assert page.index("0,90") < page.index("1,20") < page.index("1,50")
    page = client.get("/catalogue?sort=-price").get_data(as_text=True)
    assert page.index("1,50") < page.index("1,20") < page.index("0,90")
    page = client.get("/catalogue?sort=-quantity").get_data(as_text=True)
    assert page.index("30\u202f000") < page.index("20\u202f000") < page.index("10\u202f000")


def test_the_catalogue_pages_forward_and_back_without_counting(client):
    certification = CertificationFactory()
    for n in range(1, 46):  # 45 offers, 20 a page, the cheapest with the smallest stock
        OfferFactory(certification=certification, unit_price_cents=100 + n, quantity=1000 + n)

    def next_link(page, direction="after"):
        return re.search(rf'href="(/catalogue\\?[^"]*{direction}=[^"]*)"', page).group(1).replace("&amp;", "&")

    first = client.get("/catalogue").get_data(as_text=True)
    assert "1\u202f001" in first and "1\u202f020" in first and "1\u202f021" not in first
    assert "Précédent" not in first
    second = client.get(next_link(first)).get_data(as_text=True)
    assert "1\u202f021" in second and "1\u202f040" in second and "1\u202f020" not in second
    third = client.get(next_link(second)).get_data(as_text=True)
    assert "1\u202f045" in third and "Suivant" not in third
    back = client.get(next_link(second, "before")).get_data(as_text=True)
    assert "1\u202f001" in back and "1\u202f020" in back and "1\u202f021" not in back and "Précédent" not in back


def test_bad_filters_and_cursors_do_not_break_the_page(client):
    offer()
    for query in ("sort=nonsense", "after=abc", "before=1_2_3", "min_quantity=x", "max_price=cher", "category=ZZZ", "region=99"):
        assert client.get(f"/catalogue?{query}").status_code == 200


def test_the_directory_lists_certified_producers_with_categories_test_body_and_date(client):
    bretagne = OrganisationFactory(kind="producer", name="Filtres de Bretagne")
    CertificationFactory(organisation=bretagne, category="FFP2", testing_body_name="Apave", report_date=date(2020, 4, 10))
    CertificationFactory(organisation=bretagne, category="UNS1", testing_body_name="DGA Maîtrise NRBC")
    CertificationFactory(organisation=south(), category="UNS2")
    CertificationFactory(organisation__name="Pas encore vérifié", status="pending")
    CertificationFactory(organisation__name="Refusé", status="rejected")
    page = client.get("/producers").get_data(as_text=True)
    assert "Filtres de Bretagne" in page and "Masques du Sud" in page
    assert "Pas encore vérifié" not in page and "Refusé" not in page
    assert "Apave" in page and "DGA Maîtrise NRBC" in page and "10 avril 2020" in page
    uns2 = client.get("/producers?category=UNS2").get_data(as_text=True)
    assert "Masques du Sud" in uns2 and "Filtres de Bretagne" not in uns2
    bretagne_only = client.get("/producers?region=53").get_data(as_text=True)
    assert "Filtres de Bretagne" in bretagne_only and "Masques du Sud" not in bretagne_only


def test_the_directory_is_paginated(client):
    for n in range(25):
        CertificationFactory(organisation__name=f"Producteur {n:02d}", organisation__kind="producer")
    first = client.get("/producers").get_data(as_text=True)
    assert "Producteur 19" in first and "Producteur 20" not in first
    assert "Producteur 24" in client.get("/producers?page=2").get_data(as_text=True)


def test_an_offer_expired_yesterday_in_france_has_left_the_catalogue_whatever_the_servers_clock_zone(client, clock):
    clock.move_to(half_past_midnight_in_france(clock.days_from_today(1)))
    utc_date = clock.now().date()  # still yesterday in France
    OfferFactory(expires_on=utc_date, unit_price_cents=77)
    assert "0,77" not in client.get("/catalogue").get_data(as_text=True)


def test_the_catalogue_names_mask_categories_in_the_visitors_language(client):
    offer(category="SURGICAL_I", unit_price_cents=90)
    french = client.get("/catalogue").get_data(as_text=True)
    assert "<td>Chirurgical type I</td>" in french
    assert ">Masque barrière AFNOR</option>" in french
    client.post("/language/en")
    english = client.get("/catalogue").get_data(as_text=True)
    assert "<td>Surgical type I</td>" in english
    assert ">AFNOR barrier mask</option>" in english and "Chirurgical" not in english
