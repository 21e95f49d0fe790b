"""The readiness rule, without the database."""

from audits.readiness import (
    AT_RISK,
    NOT_READY,
    READY,
    ModuleInputs,
    TypeCount,
    assess_entity,
    assess_module,
)

MINOR = TypeCount("Non-conformité mineure", "Non-conformités mineures", 2)
MAJOR = TypeCount("Non-conformité majeure", "Non-conformités majeures", 1, blocks_label=True)
SENSITIVE = TypeCount("Point sensible", "Points sensibles", 1)


def module(**kw):
    return ModuleInputs(module_number=1, module_title="Relation générale avec les usagers", **kw)


def texts(result):
    return [r.text for r in result.reasons]


def test_a_module_with_nothing_open_is_ready():
    result = assess_module(module(days_to_next_audit=200))
    assert result.status == READY
    assert result.reasons == []
    assert result.label == "Prêt"


def test_open_nonconformities_far_from_the_audit_put_it_at_risk():
    result = assess_module(module(open_by_type=(MINOR, SENSITIVE), days_to_next_audit=200))
    assert result.status == AT_RISK
    assert texts(result) == ["2 non-conformités mineures à traiter", "1 point sensible à traiter"]


def test_a_major_nonconformity_blocks_the_label_whatever_the_date():
    result = assess_module(module(open_by_type=(MAJOR,), days_to_next_audit=400))
    assert result.status == NOT_READY
    assert texts(result) == ["1 non-conformité majeure à traiter : ce type de constat bloque le label"]


def test_open_points_near_the_audit_make_it_not_ready():
    result = assess_module(module(open_by_type=(MINOR,), without_action=1, days_to_next_audit=30))
    assert result.status == NOT_READY
    assert texts(result) == [
        "2 non-conformités mineures à traiter à 30 jours du prochain audit",
        "1 constat appelle une action et n'en a aucune",
    ]
    assert {r.level for r in result.reasons} == {NOT_READY}


def test_the_near_threshold_is_a_parameter():
    inputs = module(open_by_type=(MINOR,), days_to_next_audit=30)
    assert assess_module(inputs, near_audit_days=10).status == AT_RISK


def test_findings_without_action_overdue_actions_and_self_assessment_gaps_are_listed():
    result = assess_module(
        module(
            without_action=3,
            overdue_actions=2,
            not_compliant_last=("E4.1",),
            never_self_assessed=("E1.1", "E1.2", "E2.1", "E2.2", "E3", "E4.1", "E5.1"),
            days_to_next_audit=120,
        )
    )
    assert result.status == AT_RISK
    assert texts(result) == [
        "3 constats appellent une action et n'en ont aucune",
        "2 actions en retard",
        "1 critère non conforme à la dernière auto-évaluation (E4.1)",
        "7 critères jamais auto-évalués (E1.1, E1.2, E2.1, E2.2, E3 et 2 autres)",
    ]


def test_a_passed_audit_date_asks_to_plan_again():
    result = assess_module(module(days_to_next_audit=-3))
    assert result.status == AT_RISK
    assert texts(result) == ["Date du prochain audit dépassée depuis 3 jours : à replanifier"]


def test_the_entity_takes_the_worst_module_and_the_nearest_audit():
    entity = assess_entity(
        7,
        "Sous-préfecture d'Arles",
        [
            module(days_to_next_audit=90),
            ModuleInputs(
                4,
                "Relations avec les collectivités territoriales",
                open_by_type=(MAJOR,),
                days_to_next_audit=45,
            ),
        ],
    )
    assert entity.status == NOT_READY
    assert entity.badge == "danger"
    assert entity.days_to_next_audit == 45
    assert [(m.module_number, m.status) for m in entity.modules] == [(1, READY), (4, NOT_READY)]
    assert entity.reasons[0][0] == "Module 4"


def test_an_entity_without_modules_is_ready_with_no_reason():
    entity = assess_entity(1, "Préfecture", [])
    assert entity.status == READY
    assert entity.reasons == []
