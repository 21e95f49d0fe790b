"""One way of importing (qualipref.imports): choices matched without case/accents, declared synonyms only,
errors naming row, column, value and accepted values, templates from the user's scope and the current
year with a « Valeurs acceptées » sheet, optional columns with a default, background runs with a progress
page, once per file, and the follow-up page refused to anyone else."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from complaints.imports import IMPORT_HEADERS
from complaints.models import Channel, Correspondence
from qualipref.imports import Choice, Choices, normalise
from qualipref.imports.engine import current_progress
from qualipref.models import ImportRecord

# ---- choices (no database) ---------------------------------------------------------------------------


def test_normalise_ignores_case_accents_apostrophes_and_spacing():
    assert normalise("  Délai  d’attente ") == normalise("delai d'attente")
    assert normalise("Non-conformité  MINEURE") == normalise("non - conformite mineure")


def test_a_choice_is_matched_without_case_accents_or_spacing_and_synonyms_only_when_declared():
    pmr = Choice("pmr", "Accueil des personnes à mobilité réduite")
    choices = Choices([pmr, Choice("phone", "Accueil téléphonique", ("telephone",))])
    assert choices.match("ACCUEIL  des personnes a mobilite reduite") == "pmr"
    assert choices.match("Téléphone") == "phone"
    with pytest.raises(ValidationError) as refused:
        choices.match("accueil PMR")
    message = refused.value.messages[0]
    assert message == (
        "Valeur « accueil PMR » non reconnue. Valeurs acceptées : « Accueil des personnes à mobilité "
        "réduite », « Accueil téléphonique »."
    )
    declared = Choices([Choice("pmr", pmr.label, ("accueil PMR",))])
    assert declared.match("Accueil pmr") == "pmr"


def test_a_number_typed_in_a_cell_matches_its_code():
    assert Choices([Choice("m1", "1")]).match(1.0) == "m1"


# ---- with the complaints import --------------------------------------------------------------------------

pytestmark = pytest.mark.django_db
HEADERS = list(IMPORT_HEADERS)


@pytest.fixture
def referential(db):
    from referential.loader import DEFAULT_FILE, load_referential

    return load_referential(DEFAULT_FILE).referential


def _workbook(rows, headers=HEADERS, name="registre.xlsx"):
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h, "") for h in headers])
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def _rows(count, **values):
    received = timezone.localdate().replace(day=1)
    return [
        {
            "Site (code)": "arles",
            "Type": "réclamation",
            "Reçue le": received,
            "Objet": f"Attente {n}",
            "Nom du requérant": f"Usager {n}",
            **values,
        }
        for n in range(count)
    ]


def test_the_template_takes_its_example_from_the_users_scope_and_the_current_year(
    client, org, referential, arles_referent
):
    client.force_login(arles_referent)
    book = load_workbook(BytesIO(client.get(reverse("complaints:import_template")).content))
    assert book.sheetnames == ["Registre", "Valeurs acceptées", "Colonnes"]
    sheet = book["Registre"]
    example = dict(zip([c.value for c in sheet[1]], [c.value for c in sheet[2]], strict=True))
    assert example["Site (code)"] == "arles"
    assert example["Reçue le"].year == timezone.localdate().year
    assert example["Reçue le"].date() <= timezone.localdate()
    accepted = [[c.value for c in row] for row in book["Valeurs acceptées"].iter_rows(min_row=2)]
    assert ["Type", "Réclamation", "complaint", None] in accepted
    assert ("Canal", "Registre sur site") in {(r[0], r[1]) for r in accepted}
    assert {r[1] for r in accepted if r[0] == "Site (code)"} == {"arles"}  # the referent's site only
    columns = {row[0].value: row[1].value for row in book["Colonnes"].iter_rows(min_row=2)}
    assert columns["Canal"] == "facultative (par défaut : Courrier postal)"
    assert columns["Objet"] == "obligatoire"


def test_the_templates_example_imports_as_it_is(client, org, referential, quality_manager):
    client.force_login(quality_manager)
    content = client.get(reverse("complaints:import_template")).content
    response = client.post(
        reverse("complaints:correspondence_import"), {"file": SimpleUploadedFile("modele.xlsx", content)}
    )
    assert response.status_code == 302
    assert Correspondence.objects.get().received_on.year == timezone.localdate().year


def test_a_column_with_a_default_may_be_left_out(client, org, referential, quality_manager):
    client.force_login(quality_manager)
    headers = [h for h in HEADERS if h != "Canal"]
    response = client.post(
        reverse("complaints:correspondence_import"), {"file": _workbook(_rows(2), headers)}
    )
    assert response.status_code == 302
    assert set(Correspondence.objects.values_list("channel", flat=True)) == {Channel.POST}


def test_choice_values_ignore_accents_and_case_and_errors_list_the_accepted_values(
    client, org, referential, quality_manager
):
    client.force_login(quality_manager)
    rows = _rows(2, Canal="REGISTRE sur  site")
    rows[1]["Type"] = "Pétition"
    response = client.post(reverse("complaints:correspondence_import"), {"file": _workbook(rows)})
    assert response.status_code == 400
    [error] = response.context["result"].errors
    assert (error.row, error.column) == (3, "Type")
    assert error.message.startswith("Valeur « Pétition » non reconnue. Valeurs acceptées : « Réclamation »")
    assert "« Lettre d'observation »" in error.message
    assert not Correspondence.objects.exists()
    rows[1]["Type"] = "SUGGESTION"
    assert (
        client.post(reverse("complaints:correspondence_import"), {"file": _workbook(rows)}).status_code == 302
    )
    assert sorted(Correspondence.objects.values_list("kind", "channel")) == [
        ("complaint", "on_site_register"),
        ("suggestion", "on_site_register"),
    ]


def _post_in_background(client, django_capture_on_commit_callbacks, upload):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("complaints:correspondence_import"), {"file": upload})


def test_a_large_file_runs_in_the_background_to_100_percent_and_once(
    client, org, referential, quality_manager, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_BACKGROUND_ROWS = 3
    client.force_login(quality_manager)
    upload = _workbook(_rows(5))
    response = _post_in_background(client, django_capture_on_commit_callbacks, upload)
    record = ImportRecord.objects.get()
    assert response.status_code == 302 and response.url == record.get_absolute_url()
    assert (record.status, record.progress, record.total, record.rows_created) == ("done", 100, 5, 0 + 5)
    assert not record.file  # the upload is not kept once imported
    assert Correspondence.objects.count() == 5
    page = client.get(record.get_absolute_url()).content.decode()
    assert "5 lignes créées" in page and "hx-get" not in page
    upload.seek(0)
    again = _post_in_background(client, django_capture_on_commit_callbacks, upload)
    assert again.status_code == 400 and "Ce fichier a déjà été importé" in again.content.decode()
    assert Correspondence.objects.count() == 5


def test_a_background_import_with_errors_reports_them_row_by_row_and_saves_nothing(
    client, org, referential, quality_manager, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_BACKGROUND_ROWS = 3
    client.force_login(quality_manager)
    rows = _rows(5)
    rows[3]["Site (code)"] = "lune"
    _post_in_background(client, django_capture_on_commit_callbacks, _workbook(rows))
    record = ImportRecord.objects.get()
    assert record.status == "refused" and record.errors[0]["row"] == 5
    assert record.errors[0]["column"] == "Site (code)"
    assert record.errors[0]["message"].startswith("Site « lune » inconnu ou hors de votre périmètre.")
    assert not Correspondence.objects.exists()
    page = client.get(record.get_absolute_url()).content.decode()
    assert "rien n'a été enregistré" in page and "Site « lune » inconnu" in page
    # a refused file frees its key: corrected, or the same once the site exists, it imports
    rows[3]["Site (code)"] = "arles"
    _post_in_background(client, django_capture_on_commit_callbacks, _workbook(rows))
    assert Correspondence.objects.count() == 5


def test_the_follow_up_page_polls_while_running_and_is_refused_to_anyone_else(
    client, org, referential, quality_manager, outsider, arles_referent
):
    record = ImportRecord.objects.create(
        kind="complaints", digest="0" * 64, created_by=quality_manager, status="running", progress=40, total=9
    )
    client.force_login(quality_manager)
    page = client.get(record.get_absolute_url()).content.decode()
    assert 'hx-get="' in page and 'aria-valuenow="40"' in page and "40 %" in page
    partial = client.get(record.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert partial.strip().startswith('<div id="import-')
    assert current_progress(record) == 40
    for someone in (outsider, arles_referent):
        client.force_login(someone)
        assert client.get(record.get_absolute_url()).status_code == 404


def test_an_outsider_cannot_import_into_another_departements_target(client, org, referential, outsider):
    from actionplans.models import ActionPlan

    plan = ActionPlan.objects.create(entity=org.arles_entity, year=timezone.localdate().year)
    client.force_login(outsider)
    assert client.get(reverse("actionplans:plan_import", args=[plan.pk])).status_code == 404


def test_a_survey_criterion_written_otherwise_needs_a_declared_synonym(client, org, quality_manager):
    from surveys.models import Result
    from surveys.tests.factories import campaign_with_units

    campaign, _units, criteria = campaign_with_units(org, year=timezone.localdate().year)
    pmr = criteria[0]
    rows = [["Unité", "Critère", "Taux (%)"], ["Unité Arles", "accueil PMR", 80]]

    def post(name):
        book = Workbook()
        for row in rows:
            book.active.append(row)
        buffer = BytesIO()
        book.save(buffer)
        client.force_login(quality_manager)
        url = reverse("surveys:campaign_import", args=[campaign.pk])
        return client.post(url, {"file": SimpleUploadedFile(name, buffer.getvalue())})

    refused = post("a.xlsx")
    [error] = refused.context["result"].errors
    assert (error.row, error.column) == (2, "Critère")
    assert f"« {pmr.label} »" in error.message and "Critères acceptés" in error.message
    pmr.synonyms = "Accueil PMR ; PMR"
    pmr.save()
    assert post("b.xlsx").status_code == 302
    assert Result.objects.get().criterion == pmr
    template = client.get(reverse("surveys:campaign_import_template", args=[campaign.pk]))
    accepted = load_workbook(BytesIO(template.content))["Valeurs acceptées"]
    assert ["Critère", pmr.label, f"{pmr.code}; Accueil PMR; PMR"] in [
        [c.value for c in row][:3] for row in accepted.iter_rows(min_row=2)
    ]


def test_a_double_submitted_action_or_finding_is_refused_by_the_database(org, referential, quality_manager):
    from django.db import IntegrityError, transaction

    from actionplans import services as action_services
    from actionplans.models import Action

    due = timezone.localdate() + dt.timedelta(days=30)
    fields = dict(by=quality_manager, entity=org.arles_entity, title="Signalétique", owner=quality_manager)
    action = action_services.action_create(due_on=due, **fields)
    with pytest.raises(ValidationError, match="déjà enregistrée dans ce plan"):
        action_services.action_create(due_on=due, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.bulk_create([Action(plan=action.plan, entity=action.entity, title=action.title,
                                           owner=quality_manager, due_on=due)])  # fmt: skip
    assert Action.objects.count() == 1
