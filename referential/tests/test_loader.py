"""The referential is data loaded from a versioned file; a malformed file loads nothing."""

import textwrap

import pytest
from django.core.management import CommandError, call_command

from referential.loader import DEFAULT_FILE, ReferentialFileError, load_referential, parse
from referential.models import (
    Criterion,
    CrosswalkLink,
    Engagement,
    FindingType,
    Module,
    Parameter,
    Referential,
)
from referential.params import parameter_value

pytestmark = pytest.mark.django_db

VALID = textwrap.dedent("""\
    referential:
      code: test
      name: Test
      version: "1"
    modules:
      - number: 1
        title: Accueil
        mandatory: true
        engagements:
          - code: E1
            title: Informer
            criteria:
              - code: E1.1
                text: Horaires affichés
    parameters:
      - key: complaint_answer_days
        label: Délai
        type: int
        value: 15
    finding_types:
      - code: strength
        label: Point fort
    """)


def counts():
    return [m.objects.count() for m in (Referential, Module, Engagement, Criterion, Parameter, FindingType)]


def test_it_loads_qualipref_2_0_with_its_eight_modules_and_five_finding_types():
    result = load_referential(DEFAULT_FILE)
    referential = result.referential
    assert str(referential) == "Qualipref 2.0 (version 2.0)"
    assert list(referential.modules.values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6, 7, 8]
    assert list(referential.modules.filter(mandatory=True).values_list("number", flat=True)) == [1]
    assert list(referential.finding_types.values_list("code", flat=True)) == [
        "strength",
        "improvement_lead",
        "sensitive_point",
        "minor_nonconformity",
        "major_nonconformity",
    ]
    assert list(referential.finding_types.filter(blocks_label=True).values_list("code", flat=True)) == [
        "major_nonconformity"
    ]
    assert referential.modules.get(number=1).engagements.count() == 8
    assert referential.modules.get(number=4).engagements.count() >= 3
    nested = Criterion.objects.get(code="E7.1.1")
    assert nested.parent.code == "E7.1"
    assert parameter_value(referential, "complaint_answer_days") == 15
    assert parameter_value(referential, "complaint_days_kind") == "calendar"
    assert parameter_value(referential, "training_validity_years") == 4


def test_loading_twice_leaves_the_same_rows():
    load_referential(DEFAULT_FILE)
    before = counts()
    result = load_referential(DEFAULT_FILE)
    assert not result.created
    assert counts() == before


def test_a_departement_override_wins_over_the_default(org):
    referential = load_referential(DEFAULT_FILE).referential
    Parameter.objects.create(
        referential=referential,
        department=org.bdr,
        key="complaint_answer_days",
        label="Délai",
        value_type="int",
        value="10",
    )
    assert parameter_value(referential, "complaint_answer_days", department=org.bdr) == 10
    assert parameter_value(referential, "complaint_answer_days", department=org.vaucluse) == 15


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        (
            VALID.replace("    title: Accueil\n", ""),
            "ligne 6, « modules[0].title » : clé obligatoire manquante",
        ),
        (
            VALID.replace("value: 15", "value: quinze"),
            "« parameters[0].value » : « quinze » n'est pas un nombre entier",
        ),
        (VALID.replace("number: 1", "number: un"), "« modules[0].number » : un nombre entier est attendu"),
        (
            VALID.replace("mandatory: true", "mandatory: true\n    colour: red"),
            "« modules[0].colour » : clé inconnue",
        ),
        (VALID.replace("type: int", "type: float"), "« parameters[0].type » : type inconnu"),
        (VALID + "  - code: strength\n    label: Doublon\n", "le type de constat strength est déjà défini"),
        (VALID.replace('version: "1"', "version: [1"), "syntaxe YAML invalide"),
    ],
)
def test_a_malformed_file_names_the_line_and_key_and_loads_nothing(tmp_path, broken, expected):
    path = tmp_path / "broken.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ReferentialFileError) as excinfo:
        load_referential(path)
    assert expected in str(excinfo.value)
    assert counts() == [0, 0, 0, 0, 0, 0]


def test_the_valid_sample_parses():
    assert parse(VALID)["modules"][0]["engagements"][0]["criteria"][0]["code"] == "E1.1"


def test_the_command_reports_errors_in_french(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("referential: [", encoding="utf-8")
    with pytest.raises(CommandError, match="syntaxe YAML invalide"):
        call_command("load_referential", str(path))
    assert Referential.objects.count() == 0


def test_the_command_loads_the_shipped_referentials_and_their_crosswalk(capsys):
    call_command("load_referential")
    out = capsys.readouterr().out
    assert "Services Publics+" in out and "Qualipref 2.0" in out and "Table de correspondance" in out
    assert set(Referential.objects.values_list("code", flat=True)) == {
        "qualipref",
        "services-publics-plus",
    }
    assert CrosswalkLink.objects.exists()
    call_command("load_referential")  # again: nothing doubles
    assert Referential.objects.count() == 2
