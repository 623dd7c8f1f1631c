from sqlalchemy import update

from marketplace.domain.notifications import Status
from marketplace.extensions import db
from marketplace.mail import notify
from marketplace.models import Notification
from tests.factories import AdminFactory, NationalAdminFactory, OrganisationFactory, ProducerFactory, UserFactory


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
    user = ProducerFactory()
    notify(user, "reset_password", user=user, link="http://localhost/reset-me")
    db.session.commit()
    login(NationalAdminFactory())

    page = client.get("/admin/mail/outbox").get_data(as_text=True)

    assert user.email in page and "http://localhost/reset-me" in page
