"""Services Publics+ as data: its file, its label cycle, the crosswalk from Qualipref 2.0."""

import datetime as dt
import textwrap

import pytest

from referential import cycles
from referential.crosswalk import DEFAULT_CROSSWALK, load_crosswalk
from referential.loader import DEFAULT_FILE, SPPLUS_FILE, ReferentialFileError, load_referential
from referential.models import CrosswalkLink, Engagement, LabelCycle, Parameter, Referential
from referential.params import parameter_value
from referential.selectors import current_referential

pytestmark = pytest.mark.django_db

CYCLE_FILE = textwrap.dedent("""\
    referential:
      code: test
      name: Test
      version: "1"
    cycle:
      validity_months: 36
      surveillance_interval_months: 12
      renewal_months_before_expiry: 3
    modules:
      - number: 1
        title: Accueil
        mandatory: true
        engagements:
          - code: E1
            title: Informer
    parameters:
      - key: ack_electronic_days
        label: Accusé de réception
        type: int
        value: 7
        engagement: E1
    """)


def test_it_loads_the_eight_engagements_with_their_typed_parameters_and_cycle():
    referential = load_referential(SPPLUS_FILE).referential
    assert str(referential) == "Services Publics+ (version 2023)"
    engagements = list(Engagement.objects.filter(module__referential=referential).order_by("order"))
    assert [e.code for e in engagements] == [f"SP{n}" for n in range(1, 9)]
    assert "droit" in engagements[0].title and "éco-responsable" in engagements[7].title
    assert [e.code for e in engagements if e.to_confirm] == ["SP8"]
    assert parameter_value(referential, "ack_electronic_days") == 7
    assert parameter_value(referential, "ack_post_days") == 14
    ack = Parameter.objects.get(referential=referential, key="ack_post_days", department=None)
    assert ack.engagement.code == "SP4"
    assert parameter_value(referential, "complaint_answer_days") == 15
    cycle = referential.cycle
    assert (cycle.validity_months, cycle.surveillance_interval_months, cycle.to_confirm) == (36, 12, True)
    assert referential.finding_types.count() == 5


def test_loading_it_twice_changes_nothing():
    load_referential(SPPLUS_FILE)
    before = (Engagement.objects.count(), Parameter.objects.count(), LabelCycle.objects.count())
    load_referential(SPPLUS_FILE)
    assert (Engagement.objects.count(), Parameter.objects.count(), LabelCycle.objects.count()) == before


def test_the_current_referential_is_the_newest_in_force(time_machine):
    load_referential(DEFAULT_FILE)
    load_referential(SPPLUS_FILE)
    assert current_referential().code == "services-publics-plus"
    time_machine.move_to(dt.datetime(2016, 3, 1, 12))
    assert current_referential().code == "qualipref"


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        (
            CYCLE_FILE.replace("surveillance_interval_months: 12", "surveillance_interval_months: 0"),
            "ligne 6, « cycle.surveillance_interval_months » : un intervalle doit être un nombre de mois",
        ),
        (
            CYCLE_FILE.replace("validity_months: 36", "validity_months: -12"),
            "« cycle.validity_months » : un intervalle doit être un nombre de mois positif, pas « -12 »",
        ),
        (
            CYCLE_FILE.replace("  validity_months: 36\n", ""),
            "« cycle.validity_months » : clé obligatoire manquante",
        ),
        (
            CYCLE_FILE.replace("renewal_months_before_expiry: 3", "renewal_months_before_expiry: 40"),
            "« cycle.renewal_months_before_expiry » : l'audit de renouvellement",
        ),
        (
            CYCLE_FILE.replace("engagement: E1", "engagement: SP9"),
            "ligne 17, « parameters[0].engagement » : engagement inconnu « SP9 »",
        ),
        (
            CYCLE_FILE.replace("  validity_months", "  period: 2\n  validity_months"),
            "« cycle.period » : clé inconnue",
        ),
    ],
)
def test_a_bad_cycle_or_an_unknown_engagement_is_refused_whole(tmp_path, broken, expected):
    path = tmp_path / "broken.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ReferentialFileError) as excinfo:
        load_referential(path)
    assert expected in str(excinfo.value)
    assert Referential.objects.count() == 0
    assert LabelCycle.objects.count() == 0


def test_the_sample_with_a_cycle_loads(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text(CYCLE_FILE, encoding="utf-8")
    referential = load_referential(path).referential
    assert referential.cycle.renewal_months_before_expiry == 3


# ---- the cycle ------------------------------------------------------------------------------------------


class Cycle:
    def __init__(self, validity=36, surveillance=12, renewal=3):
        self.validity_months = validity
        self.surveillance_interval_months = surveillance
        self.renewal_months_before_expiry = renewal


def test_the_next_audit_is_a_surveillance_audit_a_year_after_the_award_then_after_the_last_audit():
    award = dt.date(2025, 2, 10)
    first = cycles.next_audit(Cycle(), awarded_on=award)
    assert (first.date, first.kind, first.label) == (
        dt.date(2026, 2, 10),
        "surveillance",
        "audit de surveillance",
    )
    second = cycles.next_audit(Cycle(), awarded_on=award, last_audit_on=dt.date(2026, 2, 20))
    assert second.date == dt.date(2027, 2, 20)
    assert second.kind == "surveillance"
    # The third year: the renewal audit, three months before the label expires on 9 February 2028.
    third = cycles.next_audit(Cycle(), awarded_on=award, last_audit_on=dt.date(2027, 2, 20))
    assert (third.date, third.kind) == (dt.date(2027, 11, 9), "renewal")
    assert cycles.next_audit(Cycle(), awarded_on=award, last_audit_on=dt.date(2027, 11, 15)) is None


def test_qualipref_2_0_has_its_renewal_audit_in_mid_2017():
    referential = load_referential(DEFAULT_FILE).referential
    due = cycles.next_audit(referential.cycle, awarded_on=dt.date(2015, 11, 27))
    assert due.kind == "renewal"
    assert due.date == dt.date(2017, 5, 26)
    assert cycles.next_audit(referential.cycle, awarded_on=None) is None


# ---- the crosswalk --------------------------------------------------------------------------------------


@pytest.fixture
def both():
    return load_referential(DEFAULT_FILE).referential, load_referential(SPPLUS_FILE).referential


def test_the_crosswalk_links_every_qualipref_module_1_engagement_with_a_reason(both):
    count = load_crosswalk(DEFAULT_CROSSWALK)
    assert count == CrosswalkLink.objects.count() > 8
    linked = set(
        CrosswalkLink.objects.filter(source_module__number=1).values_list(
            "source_engagement__code", flat=True
        )
    )
    assert linked == {f"E{n}" for n in range(1, 9)}
    link = CrosswalkLink.objects.get(source_engagement__code="E2", target_engagement__code="SP1")
    assert "courtois" in link.reason
    assert load_crosswalk(DEFAULT_CROSSWALK) == count  # reloading replaces, no duplicates
    assert CrosswalkLink.objects.count() == count


CROSSWALK = textwrap.dedent("""\
    crosswalk:
      from: {code: qualipref, version: "2.0"}
      to: {code: services-publics-plus, version: "2023"}
    links:
      - {module: 1, engagement: E2, to: SP1, reason: Accueil}
      - {module: 4, to: SP5, reason: Collectivités}
    """)


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        (CROSSWALK.replace("to: SP1", "to: SP12"), "ligne 5, « links[0].to » : engagement inconnu « SP12 »"),
        (
            CROSSWALK.replace("engagement: E2", "engagement: E99"),
            "« links[0].engagement » : engagement inconnu",
        ),
        (
            CROSSWALK.replace("module: 4", "module: 12"),
            "ligne 6, « links[1].module » : module inconnu « 12 »",
        ),
        (CROSSWALK.replace('version: "2023"', 'version: "2030"'), "« crosswalk.to » : référentiel inconnu"),
        (CROSSWALK.replace(", reason: Collectivités", ""), "« links[1].reason » : clé obligatoire manquante"),
    ],
)
def test_a_bad_crosswalk_is_refused_whole_and_changes_nothing(both, tmp_path, broken, expected):
    load_crosswalk(DEFAULT_CROSSWALK)
    before = list(CrosswalkLink.objects.order_by("pk").values_list("pk", flat=True))
    path = tmp_path / "crosswalk.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ReferentialFileError) as excinfo:
        load_crosswalk(path)
    assert expected in str(excinfo.value)
    assert list(CrosswalkLink.objects.order_by("pk").values_list("pk", flat=True)) == before


def test_the_crosswalk_page_shows_both_referentials_scoped_to_the_users_departement(
    client, org, quality_manager, outsider, both, django_assert_max_num_queries
):
    from django.urls import reverse

    from referential.models import LabelScope, Module

    qualipref, _spplus = both
    load_crosswalk(DEFAULT_CROSSWALK)
    module_4 = Module.objects.get(referential=qualipref, number=4)
    LabelScope.objects.create(
        entity=org.arles_entity, module=module_4, status="labelled", awarded_on=dt.date(2015, 11, 27)
    )
    client.force_login(quality_manager)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("referential:crosswalk")).content.decode()
    assert "Correspondances entre Qualipref 2.0 et Services Publics+" in page
    assert "Un service public éco-responsable" in page and "Nouveau : aucun équivalent" in page
    assert "Sous-préfecture d&#x27;Arles" in page or "Sous-préfecture d'Arles" in page
    client.force_login(outsider)
    page = client.get(reverse("referential:crosswalk")).content.decode()
    assert "Arles" not in page
