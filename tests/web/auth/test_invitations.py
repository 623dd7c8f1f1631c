from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import User
from tests.factories import UserFactory
from tests.support.pages import without_form_tokens


def test_an_owner_invites_a_colleague_who_joins_the_organisation(client, login, outbox):
    owner = UserFactory(full_name="Marie Curie")
    login(owner)
    client.post("/auth/account", data={"email": "colleague@example.fr"})
    [mail] = outbox.to("colleague@example.fr")
    assert owner.organisation.name in mail["Subject"]
    link = next(l for l in outbox.text(mail).splitlines() if "/auth/invitation/" in l).replace("http://localhost", "")
    client.post("/auth/logout")

    client.post(link, data={"full_name": "Pierre Curie", "password": "radium radium", "confirm": "radium radium"})

    colleague = db.session.scalar(select(User).where(User.email == "colleague@example.fr"))
    assert colleague.organisation_id == owner.organisation_id
    assert colleague.role == owner.role and not colleague.is_owner
    again = client.get(link, follow_redirects=True).get_data(as_text=True)
    assert "Cette invitation a déjà été utilisée." in again


def test_a_colleague_who_is_not_the_owner_cannot_invite(client, login, outbox):
    owner = UserFactory()
    colleague = UserFactory(organisation=owner.organisation, is_owner=False)
    login(colleague)
    page = client.get("/auth/account").get_data(as_text=True)
    assert "Inviter un collègue" not in page
    client.post("/auth/account", data={"email": "someone@example.fr"})
    assert outbox.messages() == []


def test_inviting_an_address_that_already_has_an_account_answers_the_same_and_mails_that_user(client, login, outbox):
    owner = UserFactory()
    other = UserFactory()
    login(owner)
    client.get("/")  # shows the welcome message

    known = client.post("/auth/account", data={"email": other.email}, follow_redirects=True).get_data(as_text=True)
    unknown = client.post("/auth/account", data={"email": "new@example.fr"}, follow_redirects=True).get_data(as_text=True)

    assert without_form_tokens(known.replace(other.email, "X")) == without_form_tokens(unknown.replace("new@example.fr", "X"))
    [mail] = outbox.to(other.email)
    assert "Vous avez déjà un compte" in mail["Subject"]
    assert "/auth/invitation/" not in outbox.text(mail)
    assert db.session.scalar(select(User).where(User.email == other.email)).organisation_id == other.organisation_id


