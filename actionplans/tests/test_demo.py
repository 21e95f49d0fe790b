"""The demo holds every action of sections II and V of the 2015 report."""

import pytest

from actionplans import figures
from actionplans.demo import COMMUNICATION_2015, COMPLIANCE_2015, OUTLOOK_2016, SITE_ACTIONS_2015
from actionplans.models import Action, ActionPlan
from sites.models import Department

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


def test_section_ii_by_module_site_and_communication(demo):
    bdr = Department.objects.get(code="13")
    done = figures.actions_done_in_year(department=bdr, year=2015)
    by_module = {g["module"]: len(g["actions"]) for g in done["by_module"]}
    assert by_module == {1: 4, 4: 2, 7: 5}
    by_site = {g["site"]: len(g["actions"]) for g in done["by_site"]}
    assert by_site == {"Peytral": 6, "Saint-Sébastien": 12, "Istres": 6, "Arles": 5, "Aix-en-Provence": 8}
    assert len(done["communication"]) == 5
    assert done["count"] == len(COMPLIANCE_2015) + sum(map(len, SITE_ACTIONS_2015.values())) + len(
        COMMUNICATION_2015
    )
    # "Suite à l'analyse des résultats des enquêtes de satisfaction et des audits": linked to the 2015 survey
    site_actions = [a for g in done["by_site"] for a in g["actions"]]
    kinds = [a["origin_kind"] for a in site_actions]
    assert set(kinds) == {"survey_unit", "survey_point"} and kinds.count("survey_point") == 6


def test_section_v_outlook_2016_by_entity(demo):
    bdr = Department.objects.get(code="13")
    outlook = {g["entity"]: len(g["actions"]) for g in figures.outlook(department=bdr, year=2015)}
    assert outlook == {
        "Préfecture des Bouches-du-Rhône": 8,
        "Sous-préfecture d'Aix-en-Provence": 2,
        "Sous-préfecture d'Arles": 1,
        "Sous-préfecture d'Istres": 4,
    }
    assert sum(map(len, OUTLOOK_2016.values())) == 15
    move = Action.objects.get(title="Aménagement dans de nouveaux locaux en avril")
    assert move.due_on.isoformat() == "2016-04-30" and move.status == "planned"


def test_current_actions_show_overdue_and_due_soon(demo):
    assert Action.objects.overdue().exists()
    assert ActionPlan.objects.filter(year=2015, status="closed").count() == 4
