"""Committees, meetings and decisions seen by the named personas."""

import datetime as dt
import subprocess

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from steering.models import MEETING_FUTURE_MINUTES, Decision, Meeting

from .factories import CommitteeFactory, DecisionFactory, MeetingFactory, MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def copil(org):
    return CommitteeFactory(department=org.bdr, name="Comité de pilotage qualité")


def test_the_quality_manager_creates_a_committee(client, quality_manager, org):
    client.force_login(quality_manager)
    response = client.post(
        reverse("steering:committee_create"),
        {
            "department": org.bdr.pk,
            "name": "Comité local des usagers",
            "kind": "users",
            "frequency": "Annuel",
        },
    )
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "Comité local des usagers" in html


def test_a_site_referent_may_read_committees_but_not_create_them(client, arles_referent, copil):
    client.force_login(arles_referent)
    assert "Comité de pilotage qualité" in client.get(reverse("steering:committee_list")).content.decode()
    assert client.get(reverse("steering:committee_create")).status_code == 403
    assert client.get(reverse("steering:meeting_create", args=[copil.pk])).status_code == 403


def test_the_outsider_gets_404_on_every_committee_url(client, outsider, copil):
    meeting = MeetingFactory(committee=copil)
    decision = DecisionFactory(meeting=meeting)
    client.force_login(outsider)
    assert "Comité de pilotage" not in client.get(reverse("steering:committee_list")).content.decode()
    for url in (
        reverse("steering:committee_detail", args=[copil.pk]),
        reverse("steering:meeting_detail", args=[meeting.pk]),
        reverse("steering:meeting_pdf", args=[meeting.pk]),
        reverse("steering:decision_detail", args=[decision.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(reverse("steering:decision_create", args=[meeting.pk]), {"text": "x"}).status_code == 404
    )


def test_the_committee_member_reads_without_write_buttons_and_gets_403_on_writes(
    client, committee_member, copil
):
    meeting = MeetingFactory(committee=copil)
    client.force_login(committee_member)
    html = client.get(reverse("steering:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Enregistrer la décision" not in html
    assert "Modifier" not in html
    assert (
        client.post(reverse("steering:decision_create", args=[meeting.pk]), {"text": "x"}).status_code == 403
    )
    assert client.get(reverse("steering:meeting_update", args=[meeting.pk])).status_code == 403


def test_members_may_be_users_or_outside_people(client, quality_manager, copil, committee_member):
    client.force_login(quality_manager)
    url = reverse("steering:member_add", args=[copil.pk])
    client.post(url, {"user": committee_member.pk, "role": "Présidente"})
    client.post(url, {"name": "Mme Odile Ferrer", "organisation": "UDAF 13"})
    response = client.post(url, {"role": "sans nom"}, follow=True)
    assert "Choisissez un utilisateur ou saisissez le nom" in response.content.decode()
    assert sorted(m.display_name for m in copil.members.all()) == sorted(
        [str(committee_member), "Mme Odile Ferrer"]
    )


def test_a_meeting_in_the_future_with_minutes_is_refused_and_nothing_is_saved(client, quality_manager, copil):
    client.force_login(quality_manager)
    future = timezone.localdate() + dt.timedelta(days=10)
    response = client.post(
        reverse("steering:meeting_create", args=[copil.pk]),
        {"held_on": future.isoformat(), "agenda": "Points", "minutes": "Le comité a décidé…"},
    )
    assert response.status_code == 200
    assert MEETING_FUTURE_MINUTES in response.content.decode()
    assert not Meeting.objects.exists()
    response = client.post(
        reverse("steering:meeting_create", args=[copil.pk]),
        {"held_on": future.isoformat(), "agenda": "Points"},
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.department_id == copil.department_id


def test_recording_a_decision_keeps_the_meeting_departement_and_shows_it(client, quality_manager, copil):
    meeting = MeetingFactory(committee=copil, held_on=dt.date(2015, 7, 7))
    client.force_login(quality_manager)
    response = client.post(
        reverse("steering:decision_create", args=[meeting.pk]),
        {"text": "Former tous les agents d'accueil", "owner": quality_manager.pk, "due_on": "2015-09-01"},
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert (decision.department_id, decision.owner, decision.due_on) == (
        copil.department_id,
        quality_manager,
        dt.date(2015, 9, 1),
    )
    html = client.get(reverse("steering:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Former tous les agents d&#x27;accueil" in html
    assert (
        client.post(reverse("steering:decision_create", args=[meeting.pk]), {"text": ""}).status_code == 400
    )


def test_the_minutes_print_as_an_a4_pdf_with_page_numbers(client, quality_manager, copil):
    member = MemberFactory(committee=copil, name="Mme Odile Ferrer")
    meeting = MeetingFactory(
        committee=copil, held_on=dt.date(2015, 4, 30), minutes="Les usagers ont salué la démarche."
    )
    meeting.attendees.add(member)
    DecisionFactory(meeting=meeting, text="Afficher les horaires d'affluence")
    client.force_login(quality_manager)
    response = client.get(reverse("steering:meeting_pdf", args=[meeting.pk]))
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "Page 1 sur 1" in text
    assert "Mme Odile Ferrer" in text
    assert "Afficher les horaires d" in text
    size = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "(A4)" in size


def test_the_decision_page_includes_the_actions_partial(client, quality_manager, copil):
    decision = DecisionFactory(meeting=MeetingFactory(committee=copil))
    client.force_login(quality_manager)
    response = client.get(reverse("steering:decision_detail", args=[decision.pk]))
    assert response.status_code == 200
    assert "actionplans/partials/actions_for.html" in [t.name for t in response.templates]


def _meetings(copil, n, start):
    for i in range(n):
        meeting = MeetingFactory(committee=copil, held_on=start + dt.timedelta(days=30 * i))
        meeting.attendees.add(MemberFactory(committee=copil))
        DecisionFactory(meeting=meeting)


def test_the_committee_and_meeting_lists_run_a_constant_number_of_queries(
    client, quality_manager, org, copil, django_assert_max_num_queries
):
    client.force_login(quality_manager)
    _meetings(copil, 3, dt.date(2015, 1, 13))
    CommitteeFactory(department=org.bdr, kind="users")
    urls = [
        reverse("steering:committee_list"),
        reverse("steering:meeting_list"),
        reverse("steering:committee_detail", args=[copil.pk]),
    ]
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(14) as ctx:
            assert client.get(url).status_code == 200
        counts[url] = len(ctx.captured_queries)
    _meetings(copil, 6, dt.date(2016, 1, 12))
    for _ in range(3):
        CommitteeFactory(department=org.bdr, kind="working_group")
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            client.get(url)


def test_the_meeting_page_runs_a_constant_number_of_queries(
    client, quality_manager, copil, django_assert_max_num_queries
):
    client.force_login(quality_manager)
    meeting = MeetingFactory(committee=copil)
    DecisionFactory(meeting=meeting)
    url = reverse("steering:meeting_detail", args=[meeting.pk])
    assert client.get(url).status_code == 200  # the content types' cache is warm from now on
    cache.clear()  # the meeting's readings again (qualipref.versions): one query more, the stamp
    # 13 before issue 22's last step: the decision form read the meeting's département to find its users.
    with django_assert_max_num_queries(13) as ctx:
        client.get(url)
    first = len(ctx.captured_queries)
    # nothing written since: its attendees, decisions, evidence and history are kept
    with django_assert_max_num_queries(first - 4):
        client.get(url)
    members = [MemberFactory(committee=copil) for _ in range(3)]
    for member in members:
        meeting.attendees.add(member)
    # each decision shows its actions (the actionplans partial may cost a query or two per decision)
    with django_assert_max_num_queries(first):
        page = client.get(url).content.decode()
    assert all(member.name in page for member in members)  # what was written: read again


def test_the_meeting_list_exports_to_excel(client, quality_manager, copil):
    from io import BytesIO

    from openpyxl import load_workbook

    _meetings(copil, 2, dt.date(2015, 1, 13))
    client.force_login(quality_manager)
    response = client.get(reverse("steering:meeting_list") + "?export=xlsx")
    sheet = load_workbook(BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][:2] == ["Date", "Comité"]
    assert sheet.max_row == 3


def test_attachments_on_a_meeting(client, quality_manager, copil, outsider):
    from django.core.files.uploadedfile import SimpleUploadedFile

    meeting = MeetingFactory(committee=copil)
    client.force_login(quality_manager)
    client.post(
        reverse("steering:meeting_attach", args=[meeting.pk]),
        {"file": SimpleUploadedFile("pv.txt", "Relevé de décisions".encode()), "description": "Relevé"},
    )
    html = client.get(reverse("steering:meeting_detail", args=[meeting.pk])).content.decode()
    assert "pv.txt" in html
    response = client.post(
        reverse("steering:meeting_attach", args=[meeting.pk]),
        {"file": SimpleUploadedFile("virus.exe", b"MZ\x90")},
        follow=True,
    )
    assert "Type de fichier non accepté" in response.content.decode()
