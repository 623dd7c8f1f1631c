from sqlalchemy import select

from marketplace.demo import make_siret
from marketplace.extensions import db
from marketplace.models import Organisation, User
from tests.support.pages import without_form_tokens
from tests.support.signup import signup_data


def test_signup_creates_the_organisation_and_its_owner_and_mails_a_confirmation_link(client, outbox):
    response = client.post("/auth/signup", data=signup_data())

    assert response.status_code == 302
    organisation = db.session.scalar(select(Organisation))
    assert (organisation.name, organisation.kind, organisation.region_code) == ("Filtres d'Armor", "producer", "53")
    owner = organisation.members[0]
    assert owner.is_owner and owner.role == "producer_member" and not owner.email_confirmed
    assert owner.password_hash != "long enough password"
    [mail] = outbox.to("anne@filtres-armor.fr")
    assert mail["Subject"] == "Confirmez votre adresse e-mail"
    assert "/auth/confirm/" in outbox.text(mail)


def test_a_siret_with_a_wrong_check_digit_is_refused_and_what_was_typed_is_kept(client):
    siret = make_siret(42)
    wrong = siret[:-1] + str((int(siret[-1]) + 1) % 10)

    response = client.post("/auth/signup", data=signup_data(siret=wrong))

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "sa clé de contrôle est fausse" in page
    assert f'value="{wrong}"' in page
    assert "Filtres d&#39;Armor" in page
    assert db.session.scalar(select(Organisation)) is None


def test_a_siret_of_the_wrong_length_gets_a_clear_message(client):
    page = client.post("/auth/signup", data=signup_data(siret="123 456")).get_data(as_text=True)
    assert "Un SIRET compte exactement 14 chiffres." in page


def test_a_departement_outside_the_region_is_refused(client):
    page = client.post("/auth/signup", data=signup_data(departement_code="31")).get_data(as_text=True)
    assert "Ce département n&#39;appartient pas à la région choisie." in page


def test_a_sector_referent_must_name_its_sector(client):
    page = client.post("/auth/signup", data=signup_data(kind="sector_referent")).get_data(as_text=True)
    assert "Un référent de filière doit choisir sa filière." in page

    client.post("/auth/signup", data=signup_data(kind="sector_referent", sector="Automobile"))
    assert db.session.scalar(select(Organisation.sector)) == "Automobile"


def test_a_local_authority_says_which_kind_it_is(client):
    page = client.post("/auth/signup", data=signup_data(kind="local_authority")).get_data(as_text=True)
    assert "Une collectivité doit préciser de quel type elle est." in page

    client.post("/auth/signup", data=signup_data(kind="local_authority", authority_type="commune"))
    organisation = db.session.scalar(select(Organisation))
    assert organisation.authority_type == "commune"
    assert organisation.members[0].role == "buyer_member"


def test_the_same_siret_cannot_register_twice(client):
    client.post("/auth/signup", data=signup_data())
    page = client.post("/auth/signup", data=signup_data(email="other@example.fr")).get_data(as_text=True)
    assert "Une organisation avec ce SIRET est déjà inscrite." in page
    assert len(db.session.scalars(select(User)).all()) == 1


def test_signing_up_with_a_known_address_answers_as_for_a_new_one_and_mails_its_owner(client, outbox):
    first = client.post("/auth/signup", data=signup_data(), follow_redirects=True)
    outbox_before = len(outbox.messages())

    again = client.post("/auth/signup", data=signup_data(siret=make_siret(43), email="Anne@Filtres-Armor.fr"),
                        follow_redirects=True)

    assert again.status_code == first.status_code == 200
    assert without_form_tokens(again.get_data(as_text=True)) == without_form_tokens(first.get_data(as_text=True))
    assert len(db.session.scalars(select(User)).all()) == 1
    assert len(db.session.scalars(select(Organisation)).all()) == 1
    mail = outbox.messages()[-1]
    assert len(outbox.messages()) == outbox_before + 1
    assert mail["To"] == "anne@filtres-armor.fr"
    assert "Vous avez déjà un compte" in mail["Subject"]
    assert "/auth/forgot-password" in outbox.text(mail)


def test_bad_numbers_and_passwords_get_messages_not_errors(client):
    response = client.post(
        "/auth/signup", data=signup_data(headcount="beaucoup", password="short", confirm="other")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Au moins 10 caractères." in page
    assert "Les deux mots de passe sont différents." in page
    assert 'value="beaucoup"' in page


def test_zero_staff_at_signup_is_out_of_range_not_a_missing_number(client):
    page = client.post("/auth/signup", data=signup_data(headcount="0")).get_data(as_text=True)
    assert "Saisissez un nombre entier." not in page and "Le nombre doit être compris entre 1 et" in page


def test_the_signup_form_offers_every_region_and_departement_with_overseas_flagged(client):
    page = client.get("/auth/signup").get_data(as_text=True)
    assert page.count('<option value="') >= 18 + 101 + 6 + 18
    assert "La Réunion (outre-mer)" in page
    assert '<optgroup label="Bretagne">' in page
