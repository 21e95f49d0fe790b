"""Figures other apps read (indicators, annual report, steering calendar)."""

import datetime as dt

import pytest

from audits import figures, selectors, services
from audits.models import Audit, Finding

pytestmark = pytest.mark.django_db


def add(audit, types, by, code, n):
    for i in range(n):
        services.finding_create(audit=audit, finding_type=types[code], title=f"{code} {i}", by=by)


@pytest.fixture
def year_2015(org, make_audit, types, quality_manager):
    internal = make_audit(org.arles_entity, start=dt.date(2015, 6, 18))
    add(internal, types, quality_manager, "minor_nonconformity", 3)
    external_arles = make_audit(org.arles_entity, kind=Audit.Kind.EXTERNAL, start=dt.date(2015, 9, 17))
    add(external_arles, types, quality_manager, "strength", 20)
    add(external_arles, types, quality_manager, "sensitive_point", 2)
    external_aix = make_audit(org.aix_entity, kind=Audit.Kind.EXTERNAL, start=dt.date(2015, 9, 16))
    add(external_aix, types, quality_manager, "minor_nonconformity", 1)
    later = make_audit(org.arles_entity, kind=Audit.Kind.RENEWAL, start=dt.date(2017, 6, 15))
    add(later, types, quality_manager, "strength", 5)
    for code, title in (
        ("strength", "Outils performants"),
        ("strength", "Accueil prioritaire"),
        ("sensitive_point", "Formation sous 4 ans"),
    ):
        services.finding_create(
            department=org.bdr,
            finding_type=types[code],
            title=title,
            observed_on=dt.date(2015, 9, 18),
            by=quality_manager,
        )
    return internal, external_arles, external_aix, later


def test_finding_counts_per_entity_and_type_for_a_year_and_kind(org, year_2015):
    counts = figures.finding_counts(department=org.bdr, year=2015, kinds=[Audit.Kind.EXTERNAL])
    assert counts == {
        org.aix_entity: {"minor_nonconformity": 1},
        org.arles_entity: {"strength": 20, "sensitive_point": 2},
    }
    assert figures.finding_counts(department=org.bdr, year=2015)[org.arles_entity]["minor_nonconformity"] == 3
    assert figures.finding_counts(department=org.vaucluse, year=2015) == {}


def test_general_findings_by_type(org, year_2015):
    groups = figures.general_findings(department=org.bdr, year=2015)
    assert [(g.finding_type.code, [f.title for f in g.findings]) for g in groups] == [
        ("strength", ["Outils performants", "Accueil prioritaire"]),
        ("sensitive_point", ["Formation sous 4 ans"]),
    ]
    assert figures.general_findings(department=org.bdr, year=2016) == []


def test_open_nonconformities_per_entity_and_site(org, year_2015, quality_manager, types):
    internal = year_2015[0]
    first = internal.findings.first()
    first.site = org.arles
    first.save()
    counts = figures.open_nonconformity_counts()
    assert counts == {"entities": {org.arles_entity.pk: 3, org.aix_entity.pk: 1}, "sites": {org.arles.pk: 1}}
    Finding.objects.filter(pk=first.pk).update(status="verified_closed", verified_on=dt.date(2015, 9, 1))
    assert figures.open_nonconformity_counts(site_ids=[org.arles.pk]) == {
        "entities": {org.arles_entity.pk: 2},
        "sites": {},
    }
    assert figures.open_nonconformity_counts(entity_ids=[org.aix_entity.pk], on=dt.date(2015, 6, 30)) == {
        "entities": {},
        "sites": {},
    }


def test_audits_of_the_year_for_the_label_events(org, year_2015):
    audits = figures.audits_of_year(department=org.bdr, year=2015)
    assert [(a.entity.code, a.kind) for a in audits] == [
        ("sp-arles", "internal"),
        ("sp-aix", "external"),
        ("sp-arles", "external"),
    ]
    assert audits[2].n_strength == 20 and audits[2].n_findings == 22


def test_self_assessments_for_the_calendar(org, referential, quality_manager):
    services.self_assessments_schedule(
        entity=org.arles_entity, year=2016, by=quality_manager, referential=referential
    )
    due = figures.self_assessments_between(
        department=org.bdr, start=dt.date(2016, 4, 1), end=dt.date(2016, 9, 30)
    )
    assert [a.end_on for a in due] == [dt.date(2016, 6, 30), dt.date(2016, 9, 30)]


def test_readiness_counts_the_last_self_assessment_and_the_next_audit(
    org, make_audit, types, quality_manager
):
    sa = make_audit(
        org.arles_entity,
        kind=Audit.Kind.SELF_ASSESSMENT,
        modules=(1, 4),
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 3, 31),
    )
    rows = list(sa.checklist_rows.select_related("criterion", "engagement"))
    answers = {r.pk: {"answer": "compliant"} for r in rows if r.engagement.module.number == 1}
    answers[next(r.pk for r in rows if r.item_code == "E4.1")] = {"answer": "not_compliant"}
    services.self_assessment_answer(audit=sa, answers=answers, by=quality_manager)
    services.self_assessment_answer(
        audit=sa,
        answers={r.pk: {"answer": "not_applicable"} for r in rows if r.engagement.module.number == 4},
        by=quality_manager,
    )
    services.self_assessment_complete(audit=sa, by=quality_manager, today=dt.date(2026, 3, 31))
    make_audit(org.arles_entity, kind=Audit.Kind.RENEWAL, modules=(1,), start=dt.date(2026, 5, 10))
    [arles] = selectors.readiness_overview(
        quality_manager, today=dt.date(2026, 4, 1), entity_ids=[org.arles_entity.pk]
    )
    m1, m4 = arles.modules
    # Module 4 is not in the planned audit: its next audit, computed from the Qualipref 2.0 cycle (renewal
    # 18 months before the label, awarded on 27 November 2015, expires), has passed.
    assert (
        m1.days_to_next_audit == 39
        and m4.days_to_next_audit == (dt.date(2017, 5, 26) - dt.date(2026, 4, 1)).days
    )
    assert arles.days_to_next_audit == m4.days_to_next_audit
    texts = [r.text for r in m1.reasons]
    assert texts == [
        "1 non-conformité mineure à traiter à 39 jours du prochain audit",
        "1 constat appelle une action et n'en a aucune",
        "1 critère non conforme à la dernière auto-évaluation (E4.1)",
    ]
    assert [r.text for r in m4.reasons] == [
        "Date du prochain audit dépassée depuis le 26 mai 2017 : à replanifier"
    ]
    assert (m1.status, m4.status, arles.status) == ("not_ready", "at_risk", "not_ready")
    # The home page passes the entities of its label overview (their label scopes and next audits read
    # already): the same readiness.
    from referential.selectors import label_overview

    overview = [e for e in label_overview(quality_manager, dt.date(2026, 4, 1)) if e == org.arles_entity]
    assert selectors.readiness_overview(quality_manager, today=dt.date(2026, 4, 1), entities=overview) == [
        arles
    ]
    # Without any finished self-assessment, every criterion is "never self-assessed".
    [istres] = selectors.readiness_overview(
        quality_manager, today=dt.date(2026, 4, 1), entity_ids=[org.istres_entity.pk]
    )
    assert "critères jamais auto-évalués" in istres.modules[0].reasons[-2].text
