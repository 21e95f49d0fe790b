"""The calendar of deadlines: views, narrow scope, occurrences done, query counts."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from steering import services
from steering.models import Deadline, DeadlineCompletion
from steering.selectors import calendar_items

from .factories import DeadlineFactory

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def section_v(org):
    """The 2016 calendar of section V of the 2015 report."""
    return [
        DeadlineFactory(
            department=org.bdr, title="COPIL mensuel", starts_on=D(2016, 1, 12), until=D(2016, 12, 31)
        ),
        DeadlineFactory(
            department=org.bdr,
            title="Auto-évaluation trimestrielle",
            kind="self_assessment",
            frequency="quarterly",
            starts_on=D(2016, 3, 15),
        ),
        DeadlineFactory(
            department=org.bdr,
            title="Comité des usagers 2016",
            kind="users_committee",
            frequency="once",
            starts_on=D(2016, 4, 28),
        ),
        DeadlineFactory(
            department=org.bdr,
            title="Enquêtes de satisfaction",
            kind="survey",
            frequency="once",
            starts_on=D(2016, 5, 2),
            ends_on=D(2016, 6, 30),
        ),
        DeadlineFactory(
            department=org.bdr,
            title="Audit de renouvellement",
            kind="renewal_audit",
            frequency="once",
            starts_on=D(2017, 6, 1),
            ends_on=D(2017, 6, 30),
        ),
    ]


def test_the_2016_calendar_lists_the_section_v_occurrences(org, section_v):
    items = calendar_items(Deadline.objects.all(), D(2016, 1, 1), D(2016, 12, 31), today=D(2015, 12, 15))
    titles = [i.deadline.title for i in items]
    assert titles.count("COPIL mensuel") == 12
    assert titles.count("Auto-évaluation trimestrielle") == 4
    assert titles.count("Comité des usagers 2016") == 1
    assert titles.count("Enquêtes de satisfaction") == 1
    assert "Audit de renouvellement" not in titles


@time_machine.travel(dt.datetime(2016, 5, 3, 9, 0), tick=False)
def test_the_month_view_shows_may_2016(client, quality_manager, section_v):
    client.force_login(quality_manager)
    html = client.get(reverse("steering:calendar") + "?mois=2016-05").content.decode()
    assert "mai 2016" in html
    assert "COPIL mensuel" in html
    assert "Enquêtes de satisfaction" in html
    assert "jusqu'au 30 juin" in html
    assert "Comité des usagers 2016" not in html  # in April


@time_machine.travel(dt.datetime(2016, 4, 20, 9, 0), tick=False)
def test_the_list_view_shows_states_and_exports(client, quality_manager, section_v):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(quality_manager)
    html = client.get(reverse("steering:calendar_list") + "?annee=2016").content.decode()
    assert "Bientôt" in html  # the users' committee on 28 April
    assert "En retard" in html  # April's COPIL on the 12th, not marked done
    response = client.get(reverse("steering:calendar_list") + "?annee=2016&export=xlsx")
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet.max_row == 1 + 12 + 4 + 1 + 1


def test_a_site_deadline_is_seen_only_by_those_who_read_that_site(
    client, org, arles_referent, istres_agent, outsider, quality_manager
):
    arles = DeadlineFactory(
        department=org.bdr,
        entity=org.arles_entity,
        site=org.arles,
        title="Auto-évaluation Arles",
        frequency="once",
        starts_on=D(2016, 3, 15),
    )
    whole = DeadlineFactory(department=org.bdr, title="COPIL", starts_on=D(2016, 1, 12))
    for user, visible in (
        (arles_referent, True),
        (istres_agent, False),
        (outsider, False),
        (quality_manager, True),
    ):
        client.force_login(user)
        html = client.get(reverse("steering:calendar_list") + "?annee=2016").content.decode()
        assert ("Auto-évaluation Arles" in html) is visible
        status = client.get(reverse("steering:deadline_detail", args=[arles.pk])).status_code
        assert status == (200 if visible else 404)
    client.force_login(istres_agent)
    assert client.get(reverse("steering:deadline_detail", args=[whole.pk])).status_code == 200
    client.force_login(arles_referent)
    # a site referent may change the site's deadline, not the département's
    assert client.get(reverse("steering:deadline_update", args=[arles.pk])).status_code == 200
    assert client.get(reverse("steering:deadline_update", args=[whole.pk])).status_code == 403


def test_a_site_referent_cannot_create_a_departement_deadline(client, org, arles_referent):
    client.force_login(arles_referent)
    data = {
        "department": org.bdr.pk,
        "title": "COPIL",
        "kind": "copil",
        "frequency": "monthly",
        "starts_on": "2016-01-12",
        "remind_days": 14,
    }
    response = client.post(reverse("steering:deadline_create"), data)
    assert "Votre rôle ne permet pas d&#x27;enregistrer à ce niveau" in response.content.decode()
    assert not Deadline.objects.exists()
    response = client.post(reverse("steering:deadline_create"), {**data, "site": org.arles.pk})
    assert response.status_code == 302
    deadline = Deadline.objects.get()
    assert (deadline.site, deadline.entity) == (org.arles, org.arles_entity)


def test_bad_periods_are_refused_in_french(client, org, quality_manager):
    client.force_login(quality_manager)
    response = client.post(
        reverse("steering:deadline_create"),
        {
            "department": org.bdr.pk,
            "title": "Enquêtes",
            "kind": "survey",
            "frequency": "yearly",
            "starts_on": "2016-05-02",
            "ends_on": "2016-04-30",
            "remind_days": 14,
        },
    )
    assert "La fin de la période doit être postérieure" in response.content.decode()
    assert not Deadline.objects.exists()


@time_machine.travel(dt.datetime(2016, 4, 20, 9, 0), tick=False)
def test_marking_an_occurrence_done(client, org, quality_manager, section_v):
    copil = section_v[0]
    client.force_login(quality_manager)
    url = reverse("steering:occurrence_done", args=[copil.pk])
    client.post(url, {"occurrence": "2016-04-12", "note": "COPIL tenu"})
    assert DeadlineCompletion.objects.get().occurrence_on == D(2016, 4, 12)
    response = client.post(url, {"occurrence": "2016-04-13"}, follow=True)
    assert "n&#x27;est pas une occurrence" in response.content.decode()
    response = client.post(url, {"occurrence": "2016-05-12"}, follow=True)
    assert "Une occurrence à venir" in response.content.decode()
    assert DeadlineCompletion.objects.count() == 1
    item = next(
        i for i in calendar_items(Deadline.objects.filter(pk=copil.pk), D(2016, 4, 1), D(2016, 4, 30)) if i
    )
    assert item.status == "done"


def test_the_calendar_views_run_a_constant_number_of_queries(
    client, org, quality_manager, django_assert_max_num_queries
):
    client.force_login(quality_manager)
    for i in range(3):
        DeadlineFactory(department=org.bdr, starts_on=D(2016, 1, 1 + i))
    urls = [reverse("steering:calendar") + "?mois=2016-05", reverse("steering:calendar_list") + "?annee=2016"]
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(10) as ctx:
            client.get(url)
        counts[url] = len(ctx.captured_queries)
    for i in range(10):
        d = DeadlineFactory(
            department=org.bdr,
            frequency="quarterly",
            starts_on=D(2016, 2, 1 + i),
            site=org.arles,
            entity=org.arles_entity,
        )
        services.occurrence_mark_done(deadline=d, occurrence_on=d.starts_on, by=quality_manager)
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            client.get(url)


def test_the_feed_page_creates_its_token_only_on_post(client, quality_manager):
    from steering.models import CalendarFeedToken

    client.force_login(quality_manager)
    page = client.get(reverse("steering:feed_settings"))
    assert page.status_code == 200
    assert not CalendarFeedToken.objects.exists()
    assert client.post(reverse("steering:feed_settings")).status_code == 405
    assert client.post(reverse("steering:feed_regenerate")).status_code == 302
    assert CalendarFeedToken.objects.filter(user=quality_manager).count() == 1


def test_a_nul_byte_in_the_feed_token_is_a_400(client, db):
    assert client.get("/public/calendrier/%00.ics").status_code == 400
