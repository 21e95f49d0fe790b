"""The committee's dashboard: each indicator's latest value against its target, trends, side figures,
filters, read-only for the committee, and a constant number of queries whatever the data."""

import datetime as dt
import re
from decimal import Decimal
from html import escape

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import Indicator, Measurement
from indicators.tests.factories import IndicatorFactory, TargetFactory, computed_indicator
from referential.loader import DEFAULT_FILE, load_referential
from tests.factories import EntityFactory, SiteFactory

pytestmark = pytest.mark.django_db

URL = "/reports/dashboard/"


@pytest.fixture
def board_data(org, pickup):
    load_referential(DEFAULT_FILE)
    TargetFactory(indicator=pickup, entity=org.prefecture, year=2015, value=80)
    TargetFactory(indicator=pickup, entity=org.arles_entity, year=2015, value=85)
    TargetFactory(indicator=pickup, entity=org.arles_entity, year=2016, value=90)
    Measurement.objects.create(
        indicator=pickup, site=org.peytral, period=dt.date(2015, 5, 1), value=Decimal("64")
    )
    Measurement.objects.create(
        indicator=pickup, site=org.peytral, period=dt.date(2015, 6, 1), value=Decimal("66.3")
    )
    Measurement.objects.create(
        indicator=pickup, site=org.arles, period=dt.date(2015, 5, 1), value=Decimal("91")
    )
    wait = IndicatorFactory(department=org.bdr, code="attente", name="Temps d'attente au guichet",
                            unit="minutes",
                            direction="lower", max_value=600, order=2)  # fmt: skip
    TargetFactory(indicator=wait, entity=org.prefecture, site=org.saint_sebastien, year=2015, value=45)
    TargetFactory(indicator=wait, entity=org.prefecture, year=2015, value=30)
    Measurement.objects.create(indicator=wait, site=org.saint_sebastien, period=dt.date(2015, 6, 1), value=40)
    Measurement.objects.create(indicator=wait, site=org.peytral, period=dt.date(2015, 6, 1), value=40)
    computed_indicator(org.bdr, "complaints_on_time_share", order=3)
    computed_indicator(org.bdr, "satisfaction", code="satisfaction-telephone", param="telephone", order=4,
                       name="Satisfaction : accueil téléphonique")  # fmt: skip
    computed_indicator(org.bdr, "training_compliance", order=5)
    computed_indicator(org.bdr, "open_nonconformities", order=6)
    computed_indicator(org.bdr, "actions_on_time_share", order=7)
    computed_indicator(org.bdr, "crisis_exercises", order=8)
    return {"wait": wait}


def cell(html, indicator_name, site):
    """The words of the cell of `indicator_name` at `site` (visually hidden on screen, the tooltip)."""
    match = re.search(
        r'<th scope="row" class="cg-name"><a [^>]*>'
        + re.escape(escape(indicator_name))
        + r"</a></th>(.*?)</tr>",
        html,
        re.S,
    )
    assert match, f"no row for {indicator_name}"
    row = match.group(1)
    sites = re.findall(r'<th scope="col" class="cg-site"[^>]*>([^<]*)</th>', html)
    tds = re.findall(r'<td class="cg-cell (cg-[a-z0-9]+)"[^>]*>(.*?)</td>', row, re.S)
    state, content = tds[sites.index(site)]
    words = re.search(r'<span class="visually-hidden"> : ([^<]*)</span>', content)
    symbol = re.search(r'<span class="cg-sym" aria-hidden="true">([^<]*)</span>', content)
    href = re.search(r'href="([^"]*)"', content)
    return {
        "state": state,
        "words": words.group(1) if words else "",
        "symbol": symbol.group(1) if symbol else "",
        "href": href.group(1).replace("&amp;", "&") if href else "",
    }


@time_machine.travel(dt.datetime(2015, 7, 10, 10, 0), tick=False)
def test_each_site_shows_the_months_value_against_its_target_with_a_symbol_and_words(
    client, org, committee_member, board_data
):
    client.force_login(committee_member)
    html = client.get(URL, {"month": "2015-06"}).content.decode()
    assert "Situation de juin 2015" in html and "Indicateurs du mois par site" in html
    # Sites are the columns, grouped by entity.
    assert re.findall(r'<th scope="col" class="cg-site"[^>]*>([^<]*)</th>', html) == [
        "Peytral", "Saint-Sébastien", "Aix-en-Provence", "Arles", "Istres",
    ]  # fmt: skip
    # Peytral's pick-up rate: 64 % in May, 66.3 % in June, target 80 %: off target two months running.
    peytral = cell(html, "Taux de décroché", "Peytral")
    assert peytral["state"] == "cg-off2" and peytral["symbol"] == "!"
    assert peytral["words"] == "66,3\u00a0% · Hors cible deux mois de suite · cible 80\u00a0%"
    assert cell(html, "Taux de décroché", "Saint-Sébastien")["state"] == "cg-empty"
    # Waiting time (lower is better): Saint-Sébastien has its own target (45), Peytral the entity's (30).
    assert cell(html, "Temps d'attente au guichet", "Saint-Sébastien")["words"] == (
        "40\u00a0min · Cible atteinte · cible 45\u00a0min"
    )
    wait = cell(html, "Temps d'attente au guichet", "Peytral")
    assert wait["state"] == "cg-off" and wait["symbol"] == "✗" and "cible 30\u00a0min" in wait["words"]
    # Arles' latest value is May's, shown as such, against the 2015 target (85), not 2016's (90).
    arles = cell(html, "Taux de décroché", "Arles")
    assert arles["state"] == "cg-ok" and arles["symbol"] == "✓"
    assert arles["words"] == "91\u00a0% · Cible atteinte · cible 85\u00a0% · valeur de mai 2015"
    assert "(mai 15)" in html
    # A département-wide indicator: one value across the sites.
    assert "Exercices de crise réalisés" in html and "tout le département" in html
    # One sparkline per indicator, drawn on the server (no script).
    assert html.count('class="sparkline"') >= 3 and "<script" not in html.split("<main")[1]


@time_machine.travel(dt.datetime(2015, 7, 10, 10, 0), tick=False)
def test_the_decision_strip_lists_what_is_off_target_twice_and_the_registers_overdue_items(
    client, org, committee_member, board_data
):
    from actionplans.tests.factories import ActionFactory
    from complaints.tests.factories import make_correspondence

    make_correspondence(org.arles, received_on=dt.date(2015, 6, 1))  # due 16 June, late on 10 July
    ActionFactory(plan__entity=org.istres_entity, plan__year=2015, start_on=dt.date(2015, 1, 5),
                  due_on=dt.date(2015, 7, 1), status="planned")  # fmt: skip
    client.force_login(committee_member)
    html = client.get(URL, {"month": "2015-06"}).content.decode()
    strip = html.split('id="cm-decide-title"')[1].split("</section>")[0]
    assert "Hors cible deux mois de suite" in strip and "Taux de décroché · Peytral (66,3\u00a0%)" in strip
    assert re.search(r"Actions en retard</span><span class=\"cm-count\">1<", strip)
    assert re.search(r"Demandes en retard</span><span class=\"cm-count\">1<", strip)
    assert "Arles : 1" in strip and "/complaints/?deadline=overdue" in strip
    assert "Audits à venir" in strip and "Aucun audit prévu" in strip


@time_machine.travel(dt.datetime(2015, 7, 10, 10, 0), tick=False)
def test_upcoming_audits_are_in_the_strip(client, org, committee_member, board_data):
    from audits.models import Audit
    from referential.models import Referential

    referential = Referential.objects.order_by("pk").first()
    for title, start, status in (
        ("Audit de suivi d'Arles", dt.date(2015, 8, 20), "planned"),
        ("Audit passé", dt.date(2015, 3, 2), "planned"),
        ("Audit déjà rendu", dt.date(2015, 7, 20), "report_issued"),
    ):
        Audit.objects.create(entity=org.arles_entity, kind="follow_up", title=title, status=status,
                             referential=referential, start_on=start, end_on=start)  # fmt: skip
    client.force_login(committee_member)
    strip = client.get(URL, {"month": "2015-06"}).content.decode().split('id="cm-decide-title"')[1]
    strip = strip.split("</section>")[0]
    assert "Audit de suivi d&#x27;Arles" in strip and "20 août" in strip
    assert "Audit passé" not in strip and "Audit déjà rendu" not in strip


@time_machine.travel(dt.datetime(2015, 7, 10, 10, 0), tick=False)
def test_what_changed_since_the_last_steering_committee(client, org, committee_member, board_data):
    from steering.tests.factories import CommitteeFactory, MeetingFactory

    pickup = Indicator.objects.get(code="taux-decroche")
    for site, may, june in ((org.saint_sebastien, 85, 70), (org.aix, 70, 90)):
        Measurement.objects.create(indicator=pickup, site=site, period=dt.date(2015, 5, 1), value=may)
        Measurement.objects.create(indicator=pickup, site=site, period=dt.date(2015, 6, 1), value=june)
    TargetFactory(indicator=pickup, entity=org.aix_entity, year=2015, value=85)
    client.force_login(committee_member)
    html = client.get(URL, {"month": "2015-06"}).content.decode()
    since = html.split('id="cm-changes-title"')[1].split("</section>")[0]
    assert "Aucun comité de pilotage tenu" in since and "mai 2015 comparé à juin 2015" in since
    MeetingFactory(committee=CommitteeFactory(department=org.bdr), held_on=dt.date(2015, 4, 28))
    MeetingFactory(committee=CommitteeFactory(department=org.bdr, kind="users"), held_on=dt.date(2015, 5, 30))
    html = client.get(URL, {"month": "2015-06"}).content.decode()
    since = html.split('id="cm-changes-title"')[1].split("</section>")[0]
    assert "Dernier comité de pilotage le 28 avril 2015 : avril 2015 comparé à juin 2015" in since
    # No April values: nothing to compare. Since a committee in May: Aix back on target, Saint-Sébastien off.
    assert "Revenus dans la cible (0)" in since and "Passés hors cible (0)" in since
    MeetingFactory(committee=CommitteeFactory(department=org.bdr), held_on=dt.date(2015, 5, 20))
    html = client.get(URL, {"month": "2015-06"}).content.decode()
    since = html.split('id="cm-changes-title"')[1].split("</section>")[0]
    assert (
        "Revenus dans la cible (1)" in since
        and "Taux de décroché · Aix-en-Provence</a> : 70\u00a0% → 90\u00a0%" in since
    )
    assert (
        "Passés hors cible (1)" in since
        and "Taux de décroché · Saint-Sébastien</a> : 85\u00a0% → 70\u00a0%" in since
    )


@time_machine.travel(dt.datetime(2015, 7, 10, 10, 0), tick=False)
def test_every_cell_links_to_what_is_behind_it(client, org, committee_member, board_data):
    from complaints.tests.factories import make_correspondence

    make_correspondence(org.arles, received_on=dt.date(2015, 6, 2), answered_on=dt.date(2015, 6, 5))
    make_correspondence(org.arles, received_on=dt.date(2015, 5, 30), answered_on=dt.date(2015, 6, 5))
    client.force_login(committee_member)
    html = client.get(URL, {"month": "2015-06"}).content.decode()
    pickup = Indicator.objects.get(code="taux-decroche")
    # A measured indicator: the indicator's history at that site.
    href = cell(html, "Taux de décroché", "Peytral")["href"]
    assert href == f"{reverse('dashboard:history', args=[pickup.pk, 'peytral'])}?month=2015-06"
    page = client.get(href).content.decode()
    assert "Taux de décroché · Peytral" in page and "juin 2015" in page and "juillet 2014" in page
    assert "66,3\u00a0%" in page and "Hors cible (−13,7\u00a0pt)" in page and "<svg" in page
    # An on-time rate: the complaints register filtered to the requests it is computed from.
    href = cell(html, "Réclamations répondues dans le délai", "Arles")["href"]
    assert href.startswith(reverse("complaints:correspondence_list"))
    register = client.get(href).content.decode()
    assert "REC" in register or "Attente au guichet" in register
    listed = re.findall(r"Attente au guichet n° \d+", register)
    assert len(set(listed)) == 1  # June's request, not May's (a subject may show twice: row and card)
    assert cell(html, "Réclamations répondues dans le délai", "Arles")["words"].startswith("100\u00a0%")
    on_time = Indicator.objects.get(computed_code="complaints_on_time_share")
    history = client.get(
        reverse("dashboard:history", args=[on_time.pk, org.arles.code]), {"month": "2015-06"}
    )
    assert "Réclamations reçues en juin 2015" in history.content.decode()
    # Bad input: a month that is not one is ignored with a message; another département's site is a 404.
    response = client.get(
        reverse("dashboard:history", args=[pickup.pk, org.peytral.code]), {"month": "2015-13"}
    )
    assert response.status_code == 200 and "Mois non reconnu" in response.content.decode()
    assert client.get(reverse("dashboard:history", args=[pickup.pk, org.avignon.code])).status_code == 404
    assert client.get(reverse("dashboard:history", args=[999999, org.peytral.code])).status_code == 404


@time_machine.travel(dt.datetime(2015, 7, 10, 10, 0), tick=False)
def test_the_entity_filter_keeps_the_same_layout_with_one_entity(client, org, committee_member, board_data):
    client.force_login(committee_member)
    html = client.get(URL, {"month": "2015-06", "entity": org.arles_entity.pk}).content.decode()
    assert re.findall(r'<th scope="col" class="cg-site"[^>]*>([^<]*)</th>', html) == ["Arles"]
    for part in ('id="cm-decide-title"', "Indicateurs du mois par site", 'id="cm-changes-title"'):
        assert part in html
    html = client.get(URL, {"month": "pas-un-mois", "entity": "x"}).content.decode()
    assert "Mois attendu" in html and "Le filtre a été ignoré" in html
    assert len(re.findall(r'<th scope="col" class="cg-site"', html)) == 5


def _site_columns(html):
    return re.findall(r'<th scope="col" class="cg-site"[^>]*>([^<]*)</th>', html)


@time_machine.travel(dt.datetime(2015, 7, 10, 10, 0), tick=False)
def test_a_scope_over_several_departements_shows_one_committee_at_a_time(
    client, org, administrator, quality_manager, board_data
):
    """A steering committee is a département's: the administrator (13 and 84) sees the first by code, chooses
    the other; an entity names its own; a département chosen with another's entity shows all of its own."""
    IndicatorFactory(department=org.vaucluse, code="accueil-84", name="Accueil du Vaucluse")
    client.force_login(administrator)
    html = client.get(URL, {"month": "2015-06"}).content.decode()
    assert _site_columns(html) == ["Peytral", "Saint-Sébastien", "Aix-en-Provence", "Arles", "Istres"]
    assert '<select name="department"' in html and "84 · Vaucluse" in html and "Avignon" not in html
    assert f'<input type="hidden" name="department" value="{org.bdr.pk}">' in html
    html = client.get(URL, {"month": "2015-06", "department": org.vaucluse.pk}).content.decode()
    assert _site_columns(html) == ["Avignon"] and "Accueil du Vaucluse" in html and "Peytral" not in html
    assert "Sous-préfecture d&#x27;Arles" not in html.split('name="entity"')[1].split("</select>")[0]
    html = client.get(URL, {"month": "2015-06", "entity": org.vaucluse_entity.pk}).content.decode()
    assert _site_columns(html) == ["Avignon"]
    html = client.get(
        URL, {"month": "2015-06", "department": org.bdr.pk, "entity": org.vaucluse_entity.pk}
    ).content.decode()
    assert len(_site_columns(html)) == 5 and "Avignon" not in html
    # one département in the scope: no choice to make
    client.force_login(quality_manager)
    html = client.get(URL, {"month": "2015-06", "department": org.vaucluse.pk}).content.decode()
    assert '<select name="department"' not in html and "Le filtre a été ignoré" in html
    assert len(_site_columns(html)) == 5 and "Avignon" not in html


def test_the_committee_member_reads_but_sees_no_write_button(client, org, committee_member, board_data):
    client.force_login(committee_member)
    html = client.get(URL).content.decode()
    assert "Préparer le dossier PDF du mois" in html
    for write in ("Saisir une mesure", "Nouvel indicateur", "Fixer une cible", "Importer"):
        assert write not in html
    html = client.get(reverse("indicators:indicator_list")).content.decode()
    assert "Saisir une mesure" not in html and "Nouvel indicateur" not in html
    assert client.post(reverse("indicators:measurement_create"), {}).status_code == 403


def test_an_outsider_sees_nothing_of_the_bouches_du_rhone(client, org, outsider, board_data):
    client.force_login(outsider)
    html = client.get(URL).content.decode()
    assert "Peytral" not in html and "Taux de décroché" not in html
    pickup = Indicator.objects.get(code="taux-decroche")
    assert client.get(reverse("dashboard:trend", args=[pickup.pk, org.prefecture.pk])).status_code == 404


@time_machine.travel(dt.datetime(2015, 7, 10, 10, 0), tick=False)
def test_the_trend_is_an_svg_of_twelve_months_with_the_target(client, org, committee_member, board_data):
    client.force_login(committee_member)
    pickup = Indicator.objects.get(code="taux-decroche")
    html = client.get(
        reverse("dashboard:trend", args=[pickup.pk, org.prefecture.pk]), {"month": "2015-06"}
    ).content.decode()
    assert "<svg" in html and "<script" not in html
    assert "juil. 14" in html and "juin 15" in html and "Cible" in html and "Peytral" in html
    exercises = Indicator.objects.get(computed_code="crisis_exercises")
    html = client.get(
        reverse("dashboard:department_trend", args=[exercises.pk]), {"month": "2015-06"}
    ).content.decode()
    assert "<svg" in html and "Bouches-du-Rhône" in html


def grow(org):
    """More of everything: an entity with two more sites, more indicators, more months, more records."""
    from complaints.tests.factories import make_correspondence

    entity = EntityFactory(department=org.bdr, code="sp-nouvelle", name="Sous-préfecture nouvelle", order=5)
    sites = [SiteFactory(entity=entity, code=f"nouveau-{i}", name=f"Nouveau {i}") for i in range(2)]
    for n in range(4):
        indicator = IndicatorFactory(department=org.bdr, code=f"mesure-{n}", name=f"Mesure {n}", order=20 + n)
        TargetFactory(indicator=indicator, entity=entity, year=2014, value=50)
        for site in [*sites, org.peytral, org.arles]:
            for month in range(1, 13):
                Measurement.objects.create(
                    indicator=indicator, site=site, period=dt.date(2014, month, 1), value=40 + month
                )
                Measurement.objects.create(
                    indicator=indicator, site=site, period=dt.date(2015, month, 1), value=50 + month
                )
    computed_indicator(org.bdr, "satisfaction", code="satisfaction-courtoisie", param="courtoisie", order=30)
    computed_indicator(org.bdr, "complaints_on_time_share", code="reclamations-bis", order=31)
    for site in sites:
        make_correspondence(site, received_on=dt.date(2015, 6, 1), answered_on=dt.date(2015, 6, 3))
        make_correspondence(site, received_on=dt.date(2015, 6, 20))


@time_machine.travel(dt.datetime(2015, 7, 10, 10, 0), tick=False)
def test_the_committee_members_share_their_month_and_nobody_else(
    client, org, committee_member, quality_manager, board_data
):
    """The month is computed once for the users of one scope (two members of the 13's committee), not for
    a user of another scope (the quality manager), and again for all after a write."""
    from tests.factories import make_correspondence, persona

    second = persona("copil.bis", "committee", org.bdr)
    counts = {}
    for name, user in (("first", committee_member), ("second", second), ("manager", quality_manager)):
        client.force_login(user)
        with CaptureQueriesContext(connection) as page:
            assert client.get(URL, {"month": "2015-06"}).status_code == 200
        counts[name] = len(page.captured_queries)
    # the second member's own page (session, user, scope, their sites), the month read from the first's
    assert counts["second"] <= 5 < counts["first"]
    assert counts["manager"] > counts["second"] + 5  # another scope: computed
    make_correspondence(org.arles, received_on=dt.date(2015, 6, 5), subject="Après la première lecture")
    client.force_login(second)
    with CaptureQueriesContext(connection) as page:
        client.get(URL, {"month": "2015-06"})
    assert len(page.captured_queries) >= counts["first"] - 1


@time_machine.travel(dt.datetime(2015, 7, 10, 10, 0), tick=False)
def test_the_dashboard_runs_a_constant_number_of_queries(
    client, org, committee_member, board_data, django_assert_max_num_queries
):
    client.force_login(committee_member)
    with CaptureQueriesContext(connection) as small:
        client.get(URL, {"month": "2015-06"})
    # the same month again, nothing written: read from the cache (qualipref.versions): session, user,
    # scope, the sites with their entities, the data's stamp
    with django_assert_max_num_queries(5):
        client.get(URL, {"month": "2015-06"})
    with CaptureQueriesContext(connection) as trend_small:
        client.get(
            reverse(
                "dashboard:trend", args=[Indicator.objects.get(code="taux-decroche").pk, org.prefecture.pk]
            )
        )
    grow(org)
    with django_assert_max_num_queries(len(small)):
        response = client.get(URL, {"month": "2015-06"})
    assert "Nouveau 1" in response.content.decode() and "Mesure 3" in response.content.decode()
    with django_assert_max_num_queries(len(trend_small)):
        client.get(
            reverse("dashboard:trend", args=[Indicator.objects.get(code="mesure-3").pk, org.prefecture.pk])
        )
    # The pinned budget: a few queries per source, none per row and none per month (the stocks, training,
    # actions done on time and open non-conformities, read once for every month compared: 55 before).
    assert len(small) <= 22
