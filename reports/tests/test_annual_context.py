"""The 2015 report of the demo département holds every figure of the seed report, computed from data.

(The expected numbers below are the seed document's: the application must find them in its own rows.)
"""

import datetime as dt

import pytest

# The demo is loaded once for the test session (see conftest); the mark makes pytest-django set the test
# database up even when this module runs alone.
pytestmark = [pytest.mark.django_db, pytest.mark.demo]

# Every section's selectors together (206 on the demo: 199, plus the year figures of the computed
# indicators, computed over the year rather than averaged from the months). Most of them are the
# indicators app's computed indicators, which read the other apps' figures month by month (12 × a few
# queries each): a constant.
MAX_QUERIES = 210

SEED_RATES = {
    "Sous-préfecture d'Arles": [87, 97, 94, 72, 94, 99, 82],
    "Sous-préfecture d'Istres": [66, 81, 76, 64, 96, 97, 57],
    "Sous-préfecture d'Aix-en-Provence": [46, 78, 66, 64, 83, 83, 41],
    "Saint-Sébastien – cartes grises et permis": [76, 67, 49, 51.5, 91, 94, 41],
    "Saint-Sébastien – accueil des étrangers": [87, 91, 82, 86, 88, 80, 71],
    "Peytral – accueil général et associations": [71, 94, 95, 93, 99, 99, 87],
}
SEED_CRITERIA = [
    "Accueil téléphonique",
    "Accueil des personnes à mobilité réduite (PMR)",
    "Conditions d'accueil",
    "Horaires d'accueil",
    "Orientation et signalétique",
    "Accueil courtois",
    "Délai d'attente",
]


@pytest.fixture
def ctx(demo_2015):
    return demo_2015.context


def test_the_complaints_total_is_the_true_sum_44_and_all_were_answered_on_time(ctx):
    complaints = ctx["evaluation"]["complaints"]
    by_site = {r["site_name"]: r["received"] for r in complaints["rows"]}
    assert by_site["Istres"] == 6
    assert by_site["Arles"] == 13
    assert by_site["Aix-en-Provence"] == 4
    assert by_site["Peytral"] + by_site["Saint-Sébastien"] == 21  # "Marseille" in the seed
    assert complaints["total"]["received"] == 44 == sum(by_site.values())
    assert complaints["total"]["on_time_share"] == 100.0
    assert complaints["deadline_days"] == 15
    assert complaints["total"]["mean_answer_days"] is not None


def test_every_2015_satisfaction_rate_of_every_unit(ctx):
    (campaign,) = [c for c in ctx["evaluation"]["surveys"]["campaigns"] if c["units"]]
    assert [c["label"] for c in campaign["criteria"]] == SEED_CRITERIA
    rates = {u["name"]: u["rates"] for u in campaign["units"]}
    assert rates == {name: [float(r) for r in values] for name, values in SEED_RATES.items()}
    peytral = next(u for u in campaign["units"] if u["name"].startswith("Peytral"))
    assert peytral["vigilance"] == []  # "RAS"
    assert len(peytral["strengths"]) == 4


def test_labelling_audit_findings_per_entity_and_type(ctx):
    groups = {g["kind"]: g for g in ctx["evaluation"]["audits"]["groups"]}
    external = groups["external"]
    table = {
        e["entity_name"]: dict(zip([t["code"] for t in external["types"]], e["counts"], strict=True))
        for e in external["entities"]
    }
    assert table["Préfecture des Bouches-du-Rhône"] == {
        "strength": 20, "improvement_lead": 6, "sensitive_point": 3, "minor_nonconformity": 0
    }  # fmt: skip
    assert table["Sous-préfecture d'Aix-en-Provence"] == {
        "strength": 15, "improvement_lead": 4, "sensitive_point": 2, "minor_nonconformity": 1
    }  # fmt: skip
    assert table["Sous-préfecture d'Arles"]["strength"] == 20
    assert (
        table["Sous-préfecture d'Istres"]["strength"],
        table["Sous-préfecture d'Istres"]["sensitive_point"],
    ) == (
        17,
        4,
    )
    assert groups["internal"]["total"] == 17  # "17 non-conformités soulevées" in June
    general = {g["code"]: len(g["items"]) for g in ctx["evaluation"]["audits"]["general"]}
    assert general == {"strength": 3, "sensitive_point": 2, "improvement_lead": 1}


def test_actions_done_by_module_by_site_and_communication(ctx):
    actions = ctx["actions"]
    assert {m["number"]: len(m["actions"]) for m in actions["by_module"]} == {1: 4, 4: 2, 7: 5}
    assert {s["name"]: len(s["actions"]) for s in actions["by_site"]} == {
        "Peytral": 6,
        "Saint-Sébastien": 12,
        "Aix-en-Provence": 8,
        "Arles": 5,
        "Istres": 6,
    }
    figures = {f["label"]: f["value"] for f in ctx["communication"]["figures"]}
    assert figures["tweets"] == 942
    assert figures["numéros de « Qualipref en 13 »"] == 6


def test_steering_committees_and_the_events_of_the_year(ctx):
    pilotage = ctx["pilotage"]
    assert pilotage["referential"]["name"] == "Qualipref 2.0"
    assert pilotage["referential"]["in_force_since"] == "février 2015"
    committees = {c["kind"]: c for c in pilotage["committees"]}
    assert committees["steering"]["meetings_held"] == 12
    assert committees["users"]["dates"] == [dt.date(2015, 4, 30)]
    events = pilotage["events"]
    label = [e for e in events if e["kind"] == "label"]
    assert [e["date"] for e in label] == [dt.date(2015, 11, 27)]  # one line, not the noted duplicate
    assert "4 entités" in label[0]["title"]
    internal = next(e for e in events if e["title"].startswith("Audit interne"))
    assert internal["date"].month == 6 and "17 non-conformités" in internal["detail"]
    assert any(e["kind"] == "appointment" and e["date"].month == 10 for e in events)
    assert ctx["label"]["labelled_count"] == 4
    assert len(pilotage["referents"]) >= 5


def test_the_outlook_lists_next_years_actions_per_entity_and_the_deadlines(ctx):
    outlook = ctx["outlook"]
    assert {e["entity_name"]: len(e["actions"]) for e in outlook["actions_by_entity"]} == {
        "Préfecture des Bouches-du-Rhône": 8,
        "Sous-préfecture d'Aix-en-Provence": 2,
        "Sous-préfecture d'Arles": 1,
        "Sous-préfecture d'Istres": 4,
    }
    deadlines = {d["title"]: d for d in outlook["deadlines"]}
    copil = next(d for title, d in deadlines.items() if "COPIL" in title)
    assert copil["occurrences"] == 12
    assert any(d["first_date"].month == 4 for d in outlook["deadlines"])  # users' committee in April


def test_indicators_come_per_site_over_the_twelve_months(ctx):
    indicators = ctx["indicators"]
    assert indicators, "section IV has indicators"
    for indicator in indicators:
        assert len(indicator["months"]) == 12
        assert all(len(s["values"]) == 12 for s in indicator["sites"])
    assert any(i["target"] is not None for i in indicators)


def test_the_context_runs_a_bounded_number_of_queries_whatever_the_rows(demo_2015):
    first, after_more_rows = demo_2015.queries
    assert first == after_more_rows
    assert first <= MAX_QUERIES
