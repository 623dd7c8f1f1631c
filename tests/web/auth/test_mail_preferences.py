from marketplace.domain.notifications import Delivery, Topic
from marketplace.extensions import db
from marketplace.mail import notify
from marketplace.services import notifications
from tests.factories import ProducerFactory
from tests.support.mail_samples import context_for


def test_a_user_chooses_a_daily_digest_for_one_topic_and_nothing_for_another(client, login):
    producer = ProducerFactory()
    login(producer)
    assert "Décisions sur mes certifications et offres" in client.get("/auth/account/mail").get_data(as_text=True)

    response = client.post(
        "/auth/account/mail", data={"moderation": "digest", "proposals": "off", "pools": "immediate"}
    )

    assert response.status_code == 302
    assert notifications.preferences_of(producer) == {
        Topic.MODERATION: Delivery.DIGEST, Topic.PROPOSALS: Delivery.OFF, Topic.POOLS: Delivery.IMMEDIATE,
    }


def unsubscribe_path(outbox, address):
    [mail] = outbox.to(address)
    return mail["List-Unsubscribe"].strip("<>").replace("http://localhost", "")


def test_one_click_unsubscribe_works_without_a_session_or_csrf_token(app, client, outbox):
    app.config["WTF_CSRF_ENABLED"] = True
    producer = ProducerFactory()
    subject_params, context = context_for("offer_decision", producer)
    with app.test_request_context():
        notify(producer, "offer_decision", subject_params=subject_params, **context)
        db.session.commit()
    path = unsubscribe_path(outbox, producer.email)

    assert client.get(path).status_code == 200  # a link scanner's visit changes nothing
    assert notifications.preferences_of(producer)[Topic.MODERATION] == Delivery.IMMEDIATE
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert notifications.preferences_of(producer)[Topic.MODERATION] == Delivery.OFF


def test_a_forged_unsubscribe_token_is_refused(client):
    response = client.post("/auth/unsubscribe/not-a-token")
    assert response.status_code == 302
