"""Internal documents: versions with a file, status changes, the review register, access."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from steering import services
from steering.models import Document, DocumentVersion

from .factories import DocumentFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% test\n"


def test_a_version_without_a_file_is_refused_and_nothing_is_saved(client, quality_manager, org):
    document = DocumentFactory(department=org.bdr)
    client.force_login(quality_manager)
    response = client.post(
        reverse("steering:version_add", args=[document.pk]), {"label": "1.0", "issued_on": "2015-04-02"}
    )
    assert response.status_code == 400
    assert "une version sans fichier n&#x27;est pas enregistrée" in response.content.decode()
    assert not DocumentVersion.objects.exists()


def test_versions_keep_one_current_and_are_downloaded_by_readers_only(client, quality_manager, org, outsider):
    document = DocumentFactory(department=org.bdr, title="Plan de communication de crise", kind="plan")
    client.force_login(quality_manager)
    for label, day in (("1.0", "2015-07-20"), ("1.1", "2015-11-16")):
        response = client.post(
            reverse("steering:version_add", args=[document.pk]),
            {
                "label": label,
                "issued_on": day,
                "file": SimpleUploadedFile(f"pcc-{label}.pdf", PDF),
                "make_current": "on",
            },
        )
        assert response.status_code == 302
    current = DocumentVersion.objects.get(document=document, is_current=True)
    assert current.label == "1.1"
    assert client.get(reverse("steering:version_download", args=[current.pk])).status_code == 200
    response = client.post(
        reverse("steering:version_add", args=[document.pk]),
        {"label": "1.1", "issued_on": "2015-12-01", "file": SimpleUploadedFile("x.pdf", PDF)},
    )
    assert "La version « 1.1 » existe déjà" in response.content.decode()
    response = client.post(
        reverse("steering:version_add", args=[document.pk]),
        {"label": "2.0", "issued_on": "2015-12-01", "file": SimpleUploadedFile("x.pdf", b"not a pdf")},
    )
    assert "ne correspond pas à son extension" in response.content.decode()
    assert DocumentVersion.objects.count() == 2
    client.force_login(outsider)
    assert client.get(reverse("steering:version_download", args=[current.pk])).status_code == 404
    assert client.get(reverse("steering:document_detail", args=[document.pk])).status_code == 404


def test_status_changes_follow_the_workflow(client, quality_manager, org, committee_member):
    document = DocumentFactory(department=org.bdr)
    services.document_set_status(document=document, status="in_force", by=quality_manager)
    client.force_login(quality_manager)
    response = client.post(
        reverse("steering:document_status", args=[document.pk]), {"status": "in_force"}, follow=True
    )
    assert "Passage impossible du statut « En vigueur » au statut « En vigueur »" in response.content.decode()
    client.post(reverse("steering:document_status", args=[document.pk]), {"status": "withdrawn"})
    document.refresh_from_db()
    assert document.status == "withdrawn"
    client.force_login(committee_member)
    assert (
        client.post(reverse("steering:document_status", args=[document.pk]), {"status": "draft"}).status_code
        == 403
    )


def test_the_register_shows_what_is_due_for_review(client, quality_manager, org):
    today = timezone.localdate()
    DocumentFactory(
        department=org.bdr, title="Fiche SDRAU", status="in_force", review_on=today - dt.timedelta(days=3)
    )
    DocumentFactory(
        department=org.bdr,
        title="Guide d'accueil",
        status="in_force",
        review_on=today + dt.timedelta(days=10),
    )
    DocumentFactory(
        department=org.bdr, title="Charte", status="in_force", review_on=today + dt.timedelta(days=200)
    )
    DocumentFactory(
        department=org.bdr, title="Ancienne fiche", status="withdrawn", review_on=today - dt.timedelta(days=3)
    )
    client.force_login(quality_manager)
    response = client.get(reverse("steering:document_list") + "?revue=1")
    due = [d.title for d in response.context["due"]]
    assert due == ["Fiche SDRAU", "Guide d'accueil"]
    assert [d.title for d in response.context["page_obj"]] == ["Fiche SDRAU", "Guide d'accueil"]
    html = response.content.decode()
    assert "Revue dépassée" in html and "Revue à prévoir" in html


def test_a_site_guide_is_hidden_from_other_sites(client, org, arles_referent, istres_agent):
    DocumentFactory(
        department=org.bdr, entity=org.istres_entity, site=org.istres, title="Guide d'accueil d'Istres"
    )
    client.force_login(arles_referent)
    assert (
        "Guide d&#x27;accueil d&#x27;Istres"
        not in client.get(reverse("steering:document_list")).content.decode()
    )
    client.force_login(istres_agent)
    assert (
        "Guide d&#x27;accueil d&#x27;Istres" in client.get(reverse("steering:document_list")).content.decode()
    )


def test_the_engagement_must_belong_to_the_module(client, quality_manager, org, referential):
    from referential.models import Engagement, Module

    module1 = Module.objects.get(referential=referential, number=1)
    e7 = Engagement.objects.get(module__referential=referential, code="E7-1")
    client.force_login(quality_manager)
    response = client.post(
        reverse("steering:document_create"),
        {
            "department": org.bdr.pk,
            "title": "Plan",
            "kind": "plan",
            "module": module1.pk,
            "engagement": e7.pk,
        },
    )
    assert "Cet engagement n&#x27;appartient pas au module choisi." in response.content.decode()
    assert not Document.objects.exists()


def test_the_document_list_runs_a_constant_number_of_queries(
    client, quality_manager, org, referential, django_assert_max_num_queries
):
    client.force_login(quality_manager)

    def add(n):
        for _ in range(n):
            document = DocumentFactory(department=org.bdr, review_on=timezone.localdate())
            services.document_version_add(
                document=document,
                label="1",
                issued_on=dt.date(2015, 4, 2),
                upload=SimpleUploadedFile("f.pdf", PDF),
                by=quality_manager,
            )

    add(2)
    with django_assert_max_num_queries(12) as ctx:
        client.get(reverse("steering:document_list"))
    add(8)
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        client.get(reverse("steering:document_list"))
    response = client.get(reverse("steering:document_list") + "?export=xlsx")
    assert response.status_code == 200
