from io import BytesIO

from marketplace.extensions import db
from marketplace.models import Offer
from tests.support.offers import IMPORT_HEADER, certified_producer, upload


def test_a_valid_file_imports_every_offer_for_moderation(client, login):
    certified_producer(login)
    text = IMPORT_HEADER + "FFP2;50000;0,90;;2020-05-04;\nUNS1;200000;1,20;53|76;2020-05-10;2099-07-01\nffp2;80 000;0.85;all;2020-05-04;\n"
    response = upload(client, text)
    assert response.status_code == 302
    offers = db.session.scalars(db.select(Offer).order_by(Offer.id)).all()
    assert [(o.category, o.quantity, o.unit_price_cents, o.status) for o in offers] == [
        ("FFP2", 50_000, 90, "submitted"), ("UNS1", 200_000, 120, "submitted"), ("FFP2", 80_000, 85, "submitted"),
    ]
    assert offers[0].delivery_regions == ["53"] and offers[1].delivery_regions == ["53", "76"]
    assert offers[2].delivers_everywhere
    assert "3 offres importées" in client.get("/producers-area/").get_data(as_text=True)


def test_one_invalid_row_imports_nothing_and_the_report_names_each_row(client, login):
    certified_producer(login)
    text = IMPORT_HEADER + "FFP2;50000;0,90;;2020-05-04;\nFFP3;1000;0,90;;2020-05-04;\nFFP2;abc;0,90;;2020-05-04;\nFFP2;10;0,90;;04/05/2020;\n"
    response = upload(client, text)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Rien n&#39;a été importé" in page
    assert "<td>3</td><td><code>category</code></td><td>Vous n&#39;avez aucune certification vérifiée pour les masques FFP3.</td>" in page
    assert "<td>4</td>" in page and "<td>5</td>" in page and "<td>2</td>" not in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Offer)) == 0


def test_a_file_without_the_expected_columns_is_refused(client, login):
    certified_producer(login)
    page = upload(client, "name,price\nx,1\n").get_data(as_text=True)
    assert "Il manque au fichier les colonnes" in page


def test_a_file_that_is_not_utf8_text_is_refused(client, login):
    certified_producer(login)
    response = client.post(
        "/producers-area/offers/import",
        data={"file": (BytesIO(b"\xff\xfe\x00\x81binary"), "offres.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "UTF-8" in response.get_data(as_text=True)


def test_the_report_names_a_foreign_category_in_full(client, login):
    certified_producer(login)
    page = upload(client, IMPORT_HEADER + "KN95;50000;0,90;;2020-05-04;\n").get_data(as_text=True)
    assert "<td>2</td><td><code>category</code></td><td>Vous n&#39;avez aucune certification vérifiée pour les masques KN95 (Chine).</td>" in page


def test_the_report_lists_every_error_of_every_row_with_its_column(client, login):
    certified_producer(login)
    text = IMPORT_HEADER + (
        "FFP3;abc;0,955;;04/05/2020;\n"  # line 2: four errors
        "FFP2;50000;0,90;;2020-05-04;\n"  # line 3: right
        "XXX;10;0,90;99;2020-05-04;2020-05-01\n"  # line 4: three errors
    )
    response = upload(client, text)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Rien n&#39;a été importé : 2 lignes comportent des erreurs." in page
    for line, column in [(2, "category"), (2, "quantity"), (2, "unit_price"), (2, "available_from"),
                         (4, "category"), (4, "regions"), (4, "expires_on")]:
        assert f"<tr><td>{line}</td><td><code>{column}</code></td>" in page, (line, column)
    assert "<td>3</td>" not in page
    assert "Catégorie de masque inconnue : XXX." in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Offer)) == 0
