"""Agents and trainings: the 4-year rule per site on known data, bad input, import and export."""

import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from steering import services
from steering.figures import training_compliance
from steering.models import TRAINING_IN_FUTURE, Training

from .factories import AgentFactory, TrainingFactory

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def peytral_agents(org, referential):
    """Four reception agents at Peytral on 31 December 2015 and a crisis-communication officer."""
    trained = AgentFactory(site=org.peytral, last_name="Arnaud", took_post_on=D(2012, 9, 1))
    TrainingFactory(agent=trained, trained_on=D(2015, 3, 10))
    stale = AgentFactory(site=org.peytral, last_name="Durand", took_post_on=D(2008, 5, 12))
    TrainingFactory(agent=stale, trained_on=D(2011, 3, 10))  # deadline 10 March 2015: overdue
    soon = AgentFactory(site=org.peytral, last_name="Estève", took_post_on=D(2010, 1, 1))
    TrainingFactory(agent=soon, trained_on=D(2012, 2, 15))  # deadline 15 February 2016: within 3 months
    AgentFactory(site=org.peytral, last_name="Perrin", took_post_on=D(2015, 10, 5))  # new: until October 2019
    crisis = AgentFactory(site=org.peytral, last_name="Garnier", reception_duties=False)
    TrainingFactory(agent=crisis, topic="crisis", trained_on=D(2015, 4, 21))
    AgentFactory(site=org.peytral, last_name="Futur", took_post_on=D(2016, 6, 1))  # not there yet
    AgentFactory(site=org.peytral, last_name="Parti", took_post_on=D(2005, 1, 1), left_on=D(2015, 6, 30))
    other = AgentFactory(site=org.arles, last_name="Uzan")
    TrainingFactory(agent=other, trained_on=D(2015, 4, 7))
    return trained, stale, soon


def test_compliance_per_site_on_known_data(org, peytral_agents):
    rows = {
        r["site"]: r
        for r in training_compliance([org.peytral.pk, org.arles.pk, org.istres.pk], D(2015, 12, 31))
    }
    assert (rows["Peytral"]["reception_agents"], rows["Peytral"]["in_order"], rows["Peytral"]["rate"]) == (
        4,
        3,
        75.0,
    )
    assert (rows["Peytral"]["due_soon"], rows["Peytral"]["overdue"]) == (1, 1)
    assert rows["Arles"]["rate"] == 100.0
    assert rows["Istres"]["rate"] is None
    # at the start of 2015 Durand was still in order (deadline 10 March 2015) and Perrin not there yet,
    # but Parti (left in June) was there, never trained since 2005: overdue
    early = {r["site"]: r for r in training_compliance([org.peytral.pk], D(2015, 1, 1))}["Peytral"]
    assert (early["reception_agents"], early["in_order"], early["overdue"]) == (4, 3, 1)


def test_the_validity_comes_from_the_referential_parameter(org, peytral_agents, referential):
    from referential.models import Parameter

    Parameter.objects.filter(referential=referential, key="training_validity_years").update(value="5")
    rows = {r["site"]: r for r in training_compliance([org.peytral.pk], D(2015, 12, 31))}
    assert rows["Peytral"]["in_order"] == 4


def test_the_training_page_shows_rates_and_due_lists(
    client, org, quality_manager, peytral_agents, django_assert_max_num_queries
):
    import time_machine

    client.force_login(quality_manager)
    with time_machine.travel(dt.datetime(2015, 12, 31, 9), tick=False):
        # 12, then 11 (issue 22): the referential in force is read within the validity parameter's
        # query; the site filter's options are the sites the compliance has read
        with django_assert_max_num_queries(10) as ctx:
            html = client.get(reverse("steering:training_list")).content.decode()
        assert "75\u00a0%" in html
        assert "Estève" in html
        assert f'<option value="">Tous</option><option value="{org.peytral.pk}">Peytral</option>' in html
        for i in range(6):
            agent = AgentFactory(site=org.istres, last_name=f"Nouveau{i}")
            TrainingFactory(agent=agent, trained_on=D(2015, 1, 5))
        with django_assert_max_num_queries(len(ctx.captured_queries)):
            client.get(reverse("steering:training_list"))
        # a site given by number or by code (any case) is found among them, without a query of its own
        for given in (org.istres.pk, "ISTRES"):
            with django_assert_max_num_queries(10):
                html = client.get(reverse("steering:training_list"), {"site": given}).content.decode()
            assert f'<option value="{org.istres.pk}" selected>Istres</option>' in html
            assert "Nouveau0" in html and "Arnaud" not in html  # the register keeps Istres's agents


def test_a_training_in_the_future_is_refused(client, org, quality_manager):
    agent = AgentFactory(site=org.arles)
    client.force_login(quality_manager)
    future = dt.date.today() + dt.timedelta(days=5)
    response = client.post(
        reverse("steering:training_add", args=[agent.pk]),
        {"topic": "reception", "trained_on": future.isoformat()},
        follow=True,
    )
    assert TRAINING_IN_FUTURE in response.content.decode()
    assert not Training.objects.exists()


def test_adding_a_training_moves_the_agents_deadline(client, org, arles_referent, referential):
    agent = AgentFactory(site=org.arles, took_post_on=D(2010, 1, 1))
    services.agent_refresh_due(agent)
    assert agent.training_due_on == D(2014, 1, 1)
    client.force_login(arles_referent)
    client.post(
        reverse("steering:training_add", args=[agent.pk]), {"topic": "reception", "trained_on": "2015-04-07"}
    )
    agent.refresh_from_db()
    assert agent.training_due_on == D(2019, 4, 7)


def test_agents_of_other_sites_are_out_of_reach(client, org, arles_referent, istres_agent):
    istres = AgentFactory(site=org.istres)
    client.force_login(arles_referent)
    assert client.get(reverse("steering:agent_detail", args=[istres.pk])).status_code == 404
    client.force_login(istres_agent)
    assert client.get(reverse("steering:agent_detail", args=[istres.pk])).status_code == 200
    assert (
        client.post(reverse("steering:training_add", args=[istres.pk]), {"topic": "reception"}).status_code
        == 403
    )


def _xlsx(rows, headers=("Site", "Nom", "Prénom", "Thème", "Date", "Organisme", "Intitulé")):
    book = Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "formations.xlsx"
    return buffer


def test_the_training_import_is_all_or_nothing_with_french_row_errors(
    client, org, quality_manager, referential
):
    AgentFactory(site=org.arles, last_name="Uzan", first_name="Chloé")
    AgentFactory(site=org.istres, last_name="Girard", first_name="Thomas")
    client.force_login(quality_manager)
    bad = _xlsx(
        [
            ["arles", "Uzan", "Chloé", "Formation à l'accueil", D(2015, 4, 7), "IRA", ""],
            ["lyon", "Durand", "Paul", "reception", D(2015, 4, 7), "", ""],
            ["istres", "Inconnu", "Jean", "reception", D(2015, 4, 7), "", ""],
            ["istres", "Girard", "Thomas", "plongée", D(2015, 4, 7), "", ""],
        ]
    )
    response = client.post(reverse("steering:training_import"), {"file": bad})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Site inconnu ou hors de votre périmètre : « lyon »" in html
    assert "Agent inconnu sur ce site : « Jean Inconnu »" in html
    assert "Thème inconnu : « plongée »" in html
    assert not Training.objects.exists()
    good = _xlsx(
        [
            ["arles", "Uzan", "Chloé", "Formation à l'accueil", D(2015, 4, 7), "IRA", ""],
            ["Istres", "Girard", "Thomas", "cip", "29/09/2015", "SIRACEDPC", ""],
        ]
    )
    response = client.post(reverse("steering:training_import"), {"file": good})
    assert response.status_code == 302
    assert Training.objects.count() == 2
    # importing again leaves the rows unchanged
    good.seek(0)
    client.post(reverse("steering:training_import"), {"file": good})
    assert Training.objects.count() == 2


def test_the_arles_referent_cannot_import_for_istres(client, org, arles_referent):
    AgentFactory(site=org.istres, last_name="Girard", first_name="Thomas")
    client.force_login(arles_referent)
    response = client.post(
        reverse("steering:training_import"),
        {"file": _xlsx([["istres", "Girard", "Thomas", "reception", D(2015, 4, 7), "", ""]])},
    )
    assert "Site inconnu ou hors de votre périmètre : « istres »" in response.content.decode()


def test_a_file_without_the_columns_is_refused(client, quality_manager):
    client.force_login(quality_manager)
    response = client.post(reverse("steering:training_import"), {"file": _xlsx([["x"]], headers=("Nom",))})
    assert "Colonnes manquantes" in response.content.decode()


def test_the_template_and_the_export(client, org, quality_manager, peytral_agents):
    client.force_login(quality_manager)
    template = load_workbook(BytesIO(client.get(reverse("steering:training_import_template")).content)).active
    assert [c.value for c in template[1]] == [
        "Site",
        "Nom",
        "Prénom",
        "Thème",
        "Date",
        "Organisme",
        "Intitulé",
    ]
    book = load_workbook(BytesIO(client.get(reverse("steering:training_export")).content))
    assert book.sheetnames == ["Formations", "Agents"]
    assert book["Formations"].max_row == 1 + Training.objects.count()
    # the export re-imports as is: every row already there, nothing added
    export = BytesIO(client.get(reverse("steering:training_export")).content)
    export.name = "formations.xlsx"
    count = Training.objects.count()
    assert client.post(reverse("steering:training_import"), {"file": export}).status_code == 302
    assert Training.objects.count() == count
