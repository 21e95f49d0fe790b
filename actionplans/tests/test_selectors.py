"""Figures for indicators and the annual report, counted from the rows."""

import datetime as dt

import pytest

from actionplans import figures as action_figures

from .factories import ActionFactory, ActionPlanFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 10)
D = dt.date


@pytest.fixture
def rows(org, modules, quality_manager):
    arles = ActionPlanFactory(entity=org.arles_entity, year=2015)
    prefecture = ActionPlanFactory(entity=org.prefecture, year=2015)
    common = {"owner": quality_manager, "start_on": D(2015, 1, 5)}
    return {
        "on_time": ActionFactory(plan=arles, sites=[org.arles], module=modules[1], status="done",
                                 due_on=D(2015, 6, 30), completed_on=D(2015, 6, 1), **common),
        "late_done": ActionFactory(plan=arles, sites=[org.arles], module=modules[1], status="verified",
                                   verification_note="Vu", due_on=D(2015, 6, 30), completed_on=D(2015, 7, 15),
                                   origin_kind="free_text", **common),
        "open_late": ActionFactory(plan=prefecture, sites=[org.peytral], module=modules[7],
                                   due_on=D(2015, 9, 30), **common),
        "communication": ActionFactory(plan=prefecture, category="communication", status="done",
                                       due_on=D(2015, 12, 31), completed_on=D(2015, 12, 18), **common),
        "cancelled": ActionFactory(plan=prefecture, status="cancelled", cancel_reason="x",
                                   due_on=D(2015, 5, 1), **common),
        "other_year": ActionFactory(plan=ActionPlanFactory(entity=org.prefecture, year=2016),
                                    module=modules[4], due_on=D(2016, 6, 30), **common),
    }  # fmt: skip


def test_action_figures_count_done_on_time_and_overdue(org, rows):
    figures = action_figures.action_figures(
        start=D(2015, 1, 1), end=D(2015, 12, 31), department=org.bdr, today=TODAY
    )
    assert (figures["total"], figures["done"], figures["done_on_time"], figures["overdue"]) == (4, 3, 2, 1)
    assert figures["on_time_rate"] == pytest.approx(66.7)
    by_entity = {r["label"]: r["total"] for r in figures["by_entity"]}
    assert by_entity == {"Sous-préfecture d'Arles": 2, "Préfecture des Bouches-du-Rhône": 2}
    by_module = {r["key"]: r["done"] for r in figures["by_module"]}
    assert by_module == {1: 2, 7: 0, None: 1}
    by_site = {r["label"]: r["total"] for r in figures["by_site"]}
    assert by_site == {"Arles": 2, "Peytral": 1, "Tous les sites de l'entité": 1}
    assert {r["key"]: r["total"] for r in figures["by_origin"]} == {"free_text": 4}


def test_action_figures_by_site_ids_include_entity_wide_actions(org, rows):
    figures = action_figures.action_figures(
        start=D(2015, 1, 1), end=D(2015, 12, 31), site_ids=[org.peytral.pk]
    )
    assert figures["total"] == 2  # the Peytral action and the préfecture-wide communication action
    figures = action_figures.action_figures(start=D(2015, 1, 1), end=D(2015, 12, 31), site_ids=[org.arles.pk])
    assert figures["total"] == 2


def test_actions_done_in_year_by_module_site_and_communication(org, rows):
    done = action_figures.actions_done_in_year(department=org.bdr, year=2015)
    assert done["count"] == 3
    assert [(s["site"], [a["title"] for a in s["actions"]]) for s in done["by_site"]] == [
        ("Arles", [rows["on_time"].title, rows["late_done"].title])
    ]
    assert [a["title"] for a in done["communication"]] == [rows["communication"].title]
    assert (
        action_figures.communication_actions(department=org.bdr, year=2015)[0]["title"]
        == rows["communication"].title
    )


def test_outlook_lists_next_years_actions_by_entity(org, rows):
    outlook = action_figures.outlook(department=org.bdr, year=2015)
    assert [(g["entity"], [a["title"] for a in g["actions"]]) for g in outlook] == [
        ("Préfecture des Bouches-du-Rhône", [rows["other_year"].title])
    ]
    assert action_figures.outlook(department=org.vaucluse, year=2015) == []


def test_overdue_action_counts_match_action_figures_per_site_entity_and_total(org, rows, quality_manager):
    prefecture = ActionPlanFactory(entity=org.prefecture, year=2015)
    common = {"owner": quality_manager, "start_on": D(2015, 1, 5)}
    # Overdue on two sites of the préfecture (counted once for the entity), overdue for the whole préfecture
    # (no site), overdue in a closed plan (left out), not yet due (left out).
    ActionFactory(plan=prefecture, sites=[org.peytral, org.saint_sebastien], due_on=D(2026, 1, 31), **common)
    ActionFactory(plan=prefecture, due_on=D(2026, 2, 28), status="in_progress", **common)
    closed = ActionPlanFactory(entity=org.prefecture, year=2014, status="closed", approved_on=D(2014, 1, 10))
    ActionFactory(plan=closed, sites=[org.peytral], due_on=D(2015, 6, 30), **common)
    ActionFactory(plan=prefecture, sites=[org.peytral], due_on=TODAY, **common)
    site_ids = [org.peytral.pk, org.saint_sebastien.pk, org.arles.pk, org.aix.pk]

    counts = action_figures.overdue_action_counts(site_ids=site_ids, today=TODAY)

    figures = action_figures.action_figures(start=D(1900, 1, 1), end=TODAY, site_ids=site_ids, today=TODAY)
    # open_late (Peytral), other_year (whole préfecture), the two-site one and the entity-wide one
    assert counts["total"] == figures["overdue"] == 4
    assert counts["entities"] == {r["key"]: r["overdue"] for r in figures["by_entity"] if r["overdue"]}
    assert counts["sites"] == {
        r["key"]: r["overdue"] for r in figures["by_site"] if r["key"] is not None and r["overdue"]
    }
    assert counts["sites"] == {org.peytral.pk: 2, org.saint_sebastien.pk: 1}
    assert counts["entities"] == {org.prefecture.pk: 4}
    assert action_figures.overdue_action_counts(site_ids=[org.avignon.pk], today=TODAY) == {
        "sites": {},
        "entities": {},
        "total": 0,
    }


def test_a_finding_of_a_past_cycle_no_longer_asks_for_an_action(org, quality_manager, make_finding, modules):
    """Arles moved to another referential in 2024: its 2015 finding stays in its audit and its year's
    report, but leaves the loop panel, the readiness and the inbox; a finding of the new cycle is there."""
    from actionplans.selectors import findings_without_action_queryset
    from referential.models import LabelScope

    old = make_finding(code="minor_nonconformity", title="Constat de 2015")
    new = make_finding(code="minor_nonconformity", title="Constat du nouveau cycle")
    new.observed_on = dt.date(2025, 3, 4)
    new.save()
    assert set(findings_without_action_queryset(quality_manager)) == {old, new}
    LabelScope.objects.create(
        entity=org.arles_entity, module=modules[1], status="preparing", started_on=dt.date(2024, 6, 1)
    )
    assert list(findings_without_action_queryset(quality_manager)) == [new]


def test_a_departement_finding_of_a_past_cycle_no_longer_asks_for_an_action(
    org, quality_manager, finding_types, modules
):
    from actionplans.selectors import findings_without_action_queryset
    from audits.models import Finding
    from referential.models import LabelScope

    finding = Finding.objects.create(
        department=org.bdr,
        finding_type=finding_types["sensitive_point"],
        title="Organisation départementale des accueils",
        observed_on=dt.date(2015, 9, 18),
    )
    assert list(findings_without_action_queryset(quality_manager)) == [finding]
    LabelScope.objects.create(
        entity=org.arles_entity, module=modules[1], status="preparing", started_on=dt.date(2024, 6, 1)
    )
    assert list(findings_without_action_queryset(quality_manager)) == []
