import pytest
from django.core.cache import cache
from django.urls import reverse

from complaints.models import Channel, Correspondence
from complaints.public_views import RATE_LIMIT
from complaints.tests.factories import public_form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def form_url(site):
    return reverse("complaints_public:request_form", args=[site.code])


valid = public_form


def test_a_person_files_a_complaint_and_gets_a_reference(client, org, referential):
    response = client.post(form_url(org.istres), valid(), follow=True)
    correspondence = Correspondence.objects.get()
    assert (correspondence.site, correspondence.channel, correspondence.kind) == (
        org.istres,
        Channel.WEB_FORM,
        "complaint",
    )
    assert correspondence.created_by is None
    page = response.content.decode()
    assert correspondence.reference in page
    assert correspondence.reference.startswith("REC-13-")


def test_the_form_needs_no_login(client, org):
    assert client.get(form_url(org.arles)).status_code == 200
    assert client.get(reverse("complaints_public:request_form", args=["nowhere"])).status_code == 404


def test_a_bad_submission_redisplays_in_french_and_stores_nothing(client, org, referential):
    response = client.post(form_url(org.istres), valid(subject="", description=""))
    assert response.status_code == 200
    assert "corrigez les champs signalés" in response.content.decode()
    assert not Correspondence.objects.exists()


def test_the_honeypot_stores_nothing(client, org, referential):
    response = client.post(form_url(org.istres), valid(website="http://spam.example"))
    assert response.status_code == 200
    assert not Correspondence.objects.exists()


def test_too_long_a_message_is_refused(client, org, referential):
    response = client.post(form_url(org.istres), valid(description="x" * 5001))
    assert "5000 caractères" in response.content.decode()
    assert not Correspondence.objects.exists()


def test_too_large_a_body_is_refused(client, org, referential):
    response = client.post(form_url(org.istres), valid(description="x" * 40000))
    assert response.status_code == 413
    assert not Correspondence.objects.exists()


def test_the_rate_limit_is_per_address(client, org, referential):
    # distinct subjects: the same request sent twice is logged once (request_unique_identity)
    for n in range(RATE_LIMIT):
        client.post(form_url(org.istres), valid(subject=f"Attente {n}"), REMOTE_ADDR="203.0.113.7")
    response = client.post(form_url(org.istres), valid(subject="Encore"), REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429
    assert "plusieurs demandes dans l" in response.content.decode()
    assert Correspondence.objects.count() == RATE_LIMIT
    client.post(form_url(org.istres), valid(), REMOTE_ADDR="198.51.100.1")
    assert Correspondence.objects.count() == RATE_LIMIT + 1


def test_the_thanks_page_needs_a_submission(client, org):
    assert (
        client.get(reverse("complaints_public:correspondence_thanks", args=[org.istres.code])).status_code
        == 404
    )


def test_the_requester_gets_an_acknowledgement_then_a_notice_when_answered(
    client, org, referential, mailoutbox, django_capture_on_commit_callbacks, quality_manager
):
    from django.utils import formats, timezone

    from complaints.services import correspondence_answer

    with django_capture_on_commit_callbacks(execute=True):
        client.post(form_url(org.istres), valid())
    correspondence = Correspondence.objects.get()
    assert correspondence.status == "acknowledged"
    assert correspondence.acknowledged_on == timezone.localdate()
    [ack] = mailoutbox
    assert ack.to == ["jeanne@exemple.fr"]
    assert correspondence.reference in ack.subject
    assert formats.date_format(correspondence.due_on, "j F Y") in ack.body
    with django_capture_on_commit_callbacks(execute=True):
        correspondence_answer(
            correspondence=correspondence,
            by=quality_manager,
            answered_on=timezone.localdate(),
            answer="Réglé.",
        )
    assert len(mailoutbox) == 2
    assert "Réglé." in mailoutbox[1].body and correspondence.reference in mailoutbox[1].subject


def test_no_e_mail_without_an_e_mail_address(
    client, org, referential, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(form_url(org.istres), valid(requester_contact="04 90 00 00 00"))
    assert Correspondence.objects.get().status == "received"
    assert mailoutbox == []
