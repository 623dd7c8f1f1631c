import pytest
from sqlalchemy import update

from marketplace.domain.notifications import Status
from marketplace.extensions import db
from marketplace.mail import notify
from marketplace.models import Notification
from marketplace.services import accounts
from tests.factories import (
    AdminFactory,
    NationalAdminFactory,
    OfferFactory,
    OrganisationFactory,
    ProducerFactory,
    UserFactory,
)


def dead_letter(user, subject="Dead letter"):
    notification = notify(user, "reset_password", user=user, link="http://localhost/x")
    db.session.flush()
    db.session.info.clear()  # not queued: it is dead
    db.session.execute(
        update(Notification).where(Notification.id == notification.id)
        .values(status=Status.DEAD, attempts=8, last_error="SMTPDataError: 554", subject=subject)
    )
    db.session.commit()
    return notification


def test_a_regional_admin_sees_its_regions_dead_letters_only(client, login):
    dead_letter(ProducerFactory(organisation=OrganisationFactory(region_code="53")), "Bretagne mail")
    dead_letter(ProducerFactory(organisation=OrganisationFactory(region_code="76", departement_code="31")), "Occitanie mail")
    login(AdminFactory(admin_region_code="53"))

    page = client.get("/admin/mail/dead-letters").get_data(as_text=True)

    assert "Bretagne mail" in page and "Occitanie mail" not in page


def test_an_admin_retries_a_dead_letter_and_it_is_sent(client, login, outbox):
    notification = dead_letter(ProducerFactory())
    login(NationalAdminFactory())

    response = client.post(f"/admin/mail/{notification.id}/retry")

    assert response.status_code == 302
    db.session.refresh(notification)
    assert notification.status == Status.SENT
    assert [m["Message-ID"] for m in outbox.messages()] == [notification.message_id]


def test_another_regions_admin_cannot_retry(client, login):
    notification = dead_letter(ProducerFactory(organisation=OrganisationFactory(region_code="76", departement_code="31")))
    login(AdminFactory(admin_region_code="53"))
    assert client.post(f"/admin/mail/{notification.id}/retry").status_code == 404


def test_the_retry_button_needs_its_csrf_token(app, client, login):
    notification = dead_letter(ProducerFactory())
    login(NationalAdminFactory())
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/admin/mail/{notification.id}/retry").status_code == 400
    db.session.refresh(notification)
    assert notification.status == Status.DEAD


def test_members_cannot_see_the_mail_pages(client, login):
    login(UserFactory())
    assert client.get("/admin/mail/dead-letters").status_code == 403
    assert client.get("/admin/mail/outbox").status_code == 403


def test_the_embedded_outbox_page_lists_the_written_mails(client, login):
    offer = OfferFactory(status="approved")
    user = ProducerFactory(organisation=offer.certification.organisation)
    notify(user, "offer_decision", offer=offer, subject_params={"category": offer.category})
    db.session.commit()
    login(NationalAdminFactory())

    page = client.get("/admin/mail/outbox").get_data(as_text=True)

    assert user.email in page and f"/producers-area/offers/{offer.id}" in page


@pytest.mark.parametrize("admin", ["national", "regional"])
@pytest.mark.parametrize("event", ["reset_password", "confirm_email", "invitation"])
def test_the_outbox_shows_mails_carrying_a_secret_link_as_metadata_only(client, login, outbox, event, admin):
    owner = ProducerFactory(organisation=OrganisationFactory(region_code="53"))
    if event == "reset_password":
        client.post("/auth/forgot-password", data={"email": owner.email})
    elif event == "confirm_email":
        accounts.send_confirmation_email(owner)
    else:
        accounts.invite_colleague(owner, "colleague@example.fr")
    [mail] = outbox.messages()
    secret = next(word for word in outbox.text(mail).split() if word.startswith("http://localhost/auth/"))
    login(NationalAdminFactory() if admin == "national" else AdminFactory(admin_region_code="53"))

    page = client.get("/admin/mail/outbox").get_data(as_text=True)

    assert secret not in page and secret.rsplit("/", 1)[-1] not in page
    if admin == "regional" and event == "invitation":
        return  # mailed to an address, not a user of the region: not listed to a regional admin at all
    assert mail["Subject"] in page.replace("&#39;", "'") and mail["To"] in page
    assert "Contenu masqué : ce message contient un lien à usage unique." in page
