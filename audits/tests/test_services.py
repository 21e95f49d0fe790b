import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from audits import links, services
from audits.models import ERR_END_BEFORE_START, Audit, Finding, GapSheet, SelfAssessmentRow
from referential.models import Criterion, Engagement

pytestmark = pytest.mark.django_db


def messages(error):
    return [m for values in error.message_dict.values() for m in values]


# ---- audits --------------------------------------------------------------------------------------------


def test_an_audit_covers_the_sites_of_its_entity_by_default(org, make_audit):
    audit = make_audit(org.prefecture, modules=(1, 4, 7))
    assert set(audit.sites.all()) == {org.peytral, org.saint_sebastien}
    assert sorted(audit.modules.values_list("number", flat=True)) == [1, 4, 7]


def test_an_end_before_the_start_is_refused_and_nothing_is_saved(org, make_audit):
    with pytest.raises(ValidationError) as error:
        make_audit(org.arles_entity, start=dt.date(2015, 6, 18), end=dt.date(2015, 6, 17))
    assert error.value.message_dict["end_on"] == [ERR_END_BEFORE_START]
    assert not Audit.objects.exists()


def test_a_module_outside_the_label_scope_is_refused(org, make_audit):
    with pytest.raises(ValidationError) as error:
        make_audit(org.arles_entity, modules=(1, 7))
    assert messages(error.value) == [
        "Le module 7 n'est pas dans le périmètre de labellisation de Sous-préfecture d'Arles."
    ]
    assert not Audit.objects.exists()


def test_a_site_of_another_entity_is_refused(org, make_audit):
    with pytest.raises(ValidationError) as error:
        make_audit(org.arles_entity, sites=[org.istres])
    assert messages(error.value) == ["Le site Istres n'appartient pas à Sous-préfecture d'Arles."]


def test_the_database_refuses_an_end_before_the_start_too(org, make_audit):
    from django.db import IntegrityError, transaction

    audit = make_audit(org.arles_entity)
    with pytest.raises(IntegrityError), transaction.atomic():
        Audit.objects.filter(pk=audit.pk).update(end_on=dt.date(2015, 1, 1))


def test_audit_status_follows_its_workflow_and_records_who(org, make_audit, quality_manager):
    audit = make_audit(org.arles_entity)
    services.audit_set_status(audit=audit, status=Audit.Status.IN_PROGRESS, by=quality_manager)
    services.audit_set_status(audit=audit, status=Audit.Status.REPORT_ISSUED, by=quality_manager)
    services.audit_set_status(audit=audit, status=Audit.Status.CLOSED, by=quality_manager)
    audit.refresh_from_db()
    assert audit.status == Audit.Status.CLOSED
    assert audit.status_changed_by == quality_manager
    assert audit.history.first().history_user == quality_manager
    with pytest.raises(ValidationError) as error:
        services.audit_set_status(audit=audit, status=Audit.Status.PLANNED, by=quality_manager)
    assert error.value.messages == ["Passage impossible du statut « Clôturé » au statut « Planifié »."]


# ---- findings ------------------------------------------------------------------------------------------


def test_a_finding_takes_its_entity_and_module_from_the_audit_and_its_criterion(
    org, make_audit, types, manager
):
    audit = make_audit(org.arles_entity, modules=(1, 4))
    criterion = Criterion.objects.get(code="E2.1", engagement__module__in=audit.modules.all())
    finding = services.finding_create(
        audit=audit,
        finding_type=types["minor_nonconformity"],
        criterion=criterion,
        title="Badges absents",
        by=manager,
    )
    assert finding.entity == org.arles_entity
    assert finding.department == org.bdr
    assert finding.engagement.code == "E2"
    assert finding.module.number == 1
    assert finding.number == 1
    assert finding.observed_on == audit.end_on


def test_a_finding_on_a_module_outside_the_audit_is_refused(org, make_audit, types, module, manager):
    audit = make_audit(org.prefecture, modules=(1,))
    engagement = Engagement.objects.get(code="E7-1")
    with pytest.raises(ValidationError) as error:
        services.finding_create(
            audit=audit,
            finding_type=types["strength"],
            engagement=engagement,
            title="Plan de crise",
            by=manager,
        )
    assert error.value.message_dict["module"] == [
        "Ce module n'est pas dans le périmètre de l'audit (modules audités : 1)."
    ]
    assert not Finding.objects.exists()


def test_a_finding_on_a_site_of_another_entity_is_refused(org, make_audit, types, manager):
    audit = make_audit(org.arles_entity)
    with pytest.raises(ValidationError) as error:
        services.finding_create(
            audit=audit, finding_type=types["strength"], site=org.istres, title="X", by=manager
        )
    assert error.value.message_dict["site"] == ["Le site Istres n'appartient pas à Sous-préfecture d'Arles."]


def finding(audit, types, code, by, **kw):
    return services.finding_create(
        audit=audit, finding_type=types[code], title=kw.pop("title", code), by=by, **kw
    )


def test_finding_transitions_follow_the_map(org, make_audit, types, manager):
    f = finding(make_audit(org.arles_entity), types, "improvement_lead", manager)
    services.finding_set_status(finding=f, status=Finding.Status.ACTION_PLANNED, by=manager)
    services.finding_set_status(finding=f, status=Finding.Status.ACTION_DONE, by=manager)
    with pytest.raises(ValidationError):
        services.finding_set_status(finding=f, status=Finding.Status.OPEN, by=manager)
    services.finding_set_status(finding=f, status=Finding.Status.VERIFIED_CLOSED, by=manager)
    f.refresh_from_db()
    assert (f.status, f.verified_by, f.status_changed_by) == (
        Finding.Status.VERIFIED_CLOSED,
        manager,
        manager,
    )
    services.finding_set_status(finding=f, status=Finding.Status.OPEN, by=manager)
    f.refresh_from_db()
    assert f.verified_on is None


def test_a_finding_that_requires_an_action_cannot_be_closed_without_a_done_action_and_a_note(
    org, make_audit, types, manager
):
    f = finding(make_audit(org.arles_entity), types, "minor_nonconformity", manager)
    with pytest.raises(ValidationError) as error:
        services.finding_set_status(finding=f, status=Finding.Status.VERIFIED_CLOSED, by=manager)
    assert error.value.message_dict == {
        "status": [services.ERR_CLOSE_NEEDS_ACTION],
        "verification_note": [services.ERR_CLOSE_NEEDS_NOTE],
    }
    f.refresh_from_db()
    assert f.status == Finding.Status.OPEN


def test_a_done_action_and_a_note_let_it_close(org, make_audit, types, manager, monkeypatch):
    f = finding(make_audit(org.arles_entity), types, "sensitive_point", manager)
    # One linked action, finished (the action-plans app provides the real relation).
    monkeypatch.setattr(links, "finding_action_state", lambda finding: (1, 1))
    with pytest.raises(ValidationError) as error:
        services.finding_set_status(finding=f, status=Finding.Status.VERIFIED_CLOSED, by=manager)
    assert list(error.value.message_dict) == ["verification_note"]
    services.finding_set_status(
        finding=f,
        status=Finding.Status.VERIFIED_CLOSED,
        verification_note="Chaises installées, vérifié.",
        by=manager,
    )
    f.refresh_from_db()
    assert f.status == Finding.Status.VERIFIED_CLOSED
    assert f.verification_note == "Chaises installées, vérifié."


def test_an_action_not_finished_does_not_close_it(org, make_audit, types, manager, monkeypatch):
    f = finding(make_audit(org.arles_entity), types, "major_nonconformity", manager)
    monkeypatch.setattr(links, "finding_action_state", lambda finding: (2, 1))
    services.finding_actions_changed(finding=f, by=manager)
    assert f.status == Finding.Status.ACTION_PLANNED
    with pytest.raises(ValidationError):
        services.finding_set_status(
            finding=f, status=Finding.Status.VERIFIED_CLOSED, verification_note="x", by=manager
        )
    monkeypatch.setattr(links, "finding_action_state", lambda finding: (2, 2))
    services.finding_actions_changed(finding=f, by=manager)
    assert f.status == Finding.Status.ACTION_DONE


def test_a_strength_closes_without_action(org, make_audit, types, manager):
    f = finding(make_audit(org.arles_entity), types, "strength", manager)
    services.finding_set_status(finding=f, status=Finding.Status.VERIFIED_CLOSED, by=manager)
    assert f.status == Finding.Status.VERIFIED_CLOSED


def test_without_the_action_model_a_finding_has_no_action(org, make_audit, types, manager):
    f = finding(make_audit(org.arles_entity), types, "minor_nonconformity", manager)
    linked, done = links.finding_action_state(f)
    assert done == 0
    assert linked == (f.actions.count() if hasattr(f, "actions") else 0)


def test_a_general_finding_belongs_to_the_department(org, types, manager):
    f = services.finding_create(
        department=org.bdr, finding_type=types["strength"], title="Outils", by=manager
    )
    assert (f.entity, f.audit, f.department, f.number) == (None, None, org.bdr, 1)
    assert f.is_general


# ---- gap sheets ----------------------------------------------------------------------------------------


def test_a_gap_sheet_is_for_nonconformities_only(org, make_audit, types, manager):
    audit = make_audit(org.arles_entity)
    criterion = Criterion.objects.get(code="E1.1")
    nc = finding(audit, types, "minor_nonconformity", manager, criterion=criterion)
    defaults = services.gap_sheet_defaults(nc)
    assert defaults["requirement"].startswith("E1.1 – Les horaires d'ouverture")
    sheet = services.gap_sheet_save(
        finding=nc, observed="Pics non affichés", cause_analysis="Oubli", by=manager
    )
    services.gap_sheet_save(finding=nc, observed="Pics non affichés à l'entrée", by=manager)
    assert GapSheet.objects.get().observed == "Pics non affichés à l'entrée"
    assert sheet.pk == nc.pk
    with pytest.raises(ValidationError) as error:
        services.gap_sheet_save(finding=finding(audit, types, "strength", manager), observed="x", by=manager)
    assert error.value.messages == [services.ERR_GAP_SHEET_ONLY_NC]


# ---- self-assessments ----------------------------------------------------------------------------------


def test_a_self_assessment_lists_every_criterion_of_its_modules(org, make_audit):
    audit = make_audit(org.arles_entity, kind=Audit.Kind.SELF_ASSESSMENT, modules=(1, 4))
    modules = list(audit.modules.all())
    expected = (
        Criterion.objects.filter(engagement__module__in=modules).count()
        + Engagement.objects.filter(module__in=modules, criteria__isnull=True).count()
    )
    rows = list(SelfAssessmentRow.objects.filter(audit=audit))
    assert len(rows) == expected
    assert {r.item_code for r in rows} >= {"E1.1", "E3", "E4-1", "E7.1.1"}
    assert services.self_assessment_generate_rows(audit=audit) == 0


def test_completing_a_self_assessment_creates_findings_for_what_is_not_compliant(
    org, make_audit, manager, types
):
    audit = make_audit(org.istres_entity, kind=Audit.Kind.SELF_ASSESSMENT, modules=(1,))
    rows = {
        r.item_code: r
        for r in SelfAssessmentRow.objects.filter(audit=audit).select_related("criterion", "engagement")
    }
    answers = {r.pk: {"answer": "compliant"} for r in rows.values()}
    answers[rows["E4.1"].pk] = {
        "answer": "not_compliant",
        "comment": "Manque de chaises",
        "evidence": "Photo",
    }
    answers[rows["E5.1"].pk] = {"answer": "partly", "comment": "Sous l'objectif"}
    answers[rows["E8.2"].pk] = {"answer": "not_applicable"}
    del answers[rows["E1.1"].pk]
    services.self_assessment_answer(audit=audit, answers=answers, by=manager)
    audit.refresh_from_db()
    assert audit.status == Audit.Status.IN_PROGRESS
    with pytest.raises(ValidationError) as error:
        services.self_assessment_complete(audit=audit, by=manager)
    assert "1 ligne(s) ne sont pas encore évaluées" in error.value.messages[0]
    assert not Finding.objects.exists()

    services.self_assessment_answer(
        audit=audit, answers={rows["E1.1"].pk: {"answer": "compliant"}}, by=manager
    )
    created = services.self_assessment_complete(audit=audit, by=manager, today=dt.date(2026, 3, 31))
    assert sorted((f.criterion.code, f.finding_type.code) for f in created) == [
        ("E4.1", "minor_nonconformity"),
        ("E5.1", "sensitive_point"),
    ]
    nc = next(f for f in created if f.criterion.code == "E4.1")
    assert nc.title == "E4.1 : non conforme"
    assert "Manque de chaises" in nc.description
    assert nc.entity == org.istres_entity and nc.observed_on == dt.date(2026, 3, 31)
    audit.refresh_from_db()
    assert audit.status == Audit.Status.REPORT_ISSUED
    with pytest.raises(ValidationError):
        services.self_assessment_answer(audit=audit, answers=answers, by=manager)


def test_quarterly_self_assessments_are_planned_once_per_quarter(org, referential, manager):
    audits = services.self_assessments_schedule(
        entity=org.aix_entity, year=2026, by=manager, referential=referential
    )
    assert [(a.start_on, a.end_on) for a in audits] == [
        (dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        (dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
        (dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
        (dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
    ]
    assert {a.status for a in audits} == {Audit.Status.PLANNED}
    assert sorted(audits[0].modules.values_list("number", flat=True)) == [1, 4]
    assert audits[0].checklist_rows.count() > 0
    services.self_assessments_schedule(entity=org.aix_entity, year=2026, by=manager, referential=referential)
    assert Audit.objects.filter(kind=Audit.Kind.SELF_ASSESSMENT).count() == 4
