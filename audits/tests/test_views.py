import datetime as dt
import subprocess
from io import BytesIO

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from audits import services
from audits.imports import HEADERS
from audits.models import Audit, Finding, GapSheet
from referential.models import Criterion

pytestmark = pytest.mark.django_db


def add_findings(audit, types, by, n, code="strength"):
    first = audit.findings.count()  # a finding's title is unique in its audit (per type and site)
    for i in range(first, first + n):
        services.finding_create(audit=audit, finding_type=types[code], title=f"{code} {i}", by=by)


# ---- pages and query counts ----------------------------------------------------------------------------


def test_the_audit_list_runs_a_constant_number_of_queries(
    client, org, make_audit, types, quality_manager, django_assert_max_num_queries
):
    client.force_login(quality_manager)
    for entity in (org.prefecture, org.aix_entity):
        add_findings(make_audit(entity), types, quality_manager, 3)
    # 12, then 11 (issue 22): the self-assessments' form asked its entities whether they existed, then
    # read them; then read once; now taken from the filter's entities.
    with django_assert_max_num_queries(10) as few:
        assert client.get(reverse("audits:audit_list")).status_code == 200
    for entity in (org.arles_entity, org.istres_entity) * 5:
        add_findings(make_audit(entity, start=dt.date(2016, 6, 1)), types, quality_manager, 4)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("audits:audit_list"))
    assert "4 points forts" in response.content.decode()


@pytest.mark.parametrize(
    "persona, shown",
    [
        (
            "quality_manager",
            [
                "Préfecture des Bouches-du-Rhône",
                "Sous-préfecture d'Aix-en-Provence",
                "Sous-préfecture d'Arles",
                "Sous-préfecture d'Istres",
            ],
        ),
        ("arles_referent", ["Sous-préfecture d'Arles"]),  # its entity's one site: the entity is theirs
        ("peytral_referent", None),  # one of the préfecture's two sites: reads the entity, cannot plan it
        ("committee_member", None),
    ],
)
def test_the_self_assessments_form_offers_the_entities_the_user_may_write(
    client, org, request, persona, shown
):
    client.force_login(request.getfixturevalue(persona))
    page = client.get(reverse("audits:audit_list")).content.decode()
    if shown is None:
        assert 'id="id_sched_entity"' not in page
        return
    select = page.split('id="id_sched_entity">', 1)[1].split("</select>", 1)[0]
    assert [option.split(">", 1)[1] for option in select.split("</option>")[:-1]] == [
        name.replace("'", "&#x27;") for name in shown
    ]


def test_the_audit_page_with_200_findings_runs_a_constant_number_of_queries(
    client, org, make_audit, types, quality_manager, django_assert_max_num_queries
):
    client.force_login(quality_manager)
    audit = make_audit(org.prefecture, modules=(1, 4, 7))
    add_findings(audit, types, quality_manager, 2)
    nc = services.finding_create(
        audit=audit, finding_type=types["minor_nonconformity"], title="NC", by=quality_manager
    )
    services.gap_sheet_save(finding=nc, observed="Observé", by=quality_manager)
    url = reverse("audits:audit_detail", args=[audit.pk])
    with django_assert_max_num_queries(40) as few:
        assert client.get(url).status_code == 200
    # nothing written since: what the page reads of the audit is kept (qualipref.versions): session, user,
    # scope, the audit, the stamp, the badges, the actions of its findings
    with django_assert_max_num_queries(7):
        client.get(url)
    add_findings(audit, types, quality_manager, 150)
    add_findings(audit, types, quality_manager, 47, code="sensitive_point")
    assert audit.findings.count() == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    page = response.content.decode()
    assert "152 points forts" in page and "47 points sensibles" in page and "1 non-conformité mineure" in page


def test_the_finding_page_costs_a_pinned_number_of_queries(
    client, org, make_audit, types, module, quality_manager, django_assert_max_num_queries
):
    """The finding's page reads the current referential (where its counterparts are looked for) in one
    query, the published version and the département's own together: 13 before, now 12 (both with the
    content types' cache warm)."""
    audit = make_audit(org.prefecture, modules=(1,))
    engagement = module(1).engagements.order_by("code").first()
    finding = services.finding_create(
        audit=audit,
        finding_type=types["sensitive_point"],
        title="Horaires peu lisibles",
        engagement=engagement,
        by=quality_manager,
    )
    client.force_login(quality_manager)
    url = reverse("audits:finding_detail", args=[finding.pk])
    assert client.get(url).status_code == 200  # the content types' cache is warm from now on
    cache.clear()  # its gap sheet, evidence and history read again (qualipref.versions): plus the stamp
    with django_assert_max_num_queries(13):
        response = client.get(url)
    assert engagement.code in response.content.decode()
    # nothing written since: kept (session, user, scope, the finding, the stamp, the badges, the referential)
    with django_assert_max_num_queries(9):
        client.get(url)
    before = client.get(url).content.decode().count("Modification")
    services.finding_update(finding=finding, by=quality_manager, title="Horaires illisibles")
    assert client.get(url).content.decode().count("Modification") > before  # its history read again


def test_the_readiness_panel_runs_a_constant_number_of_queries(
    client, org, make_audit, types, quality_manager, django_assert_max_num_queries
):
    client.force_login(quality_manager)
    audit = make_audit(org.arles_entity, modules=(1, 4))
    add_findings(audit, types, quality_manager, 2, code="minor_nonconformity")
    # 15 before issue 22's last step: the findings' types and whether an action comes from each finding are
    # now read with the findings
    with django_assert_max_num_queries(13) as few:
        assert client.get(reverse("audits:readiness")).status_code == 200
    for entity in (org.prefecture, org.aix_entity, org.istres_entity):
        a = make_audit(entity, modules=(1,))
        add_findings(a, types, quality_manager, 5, code="sensitive_point")
        sa = make_audit(
            entity,
            kind=Audit.Kind.SELF_ASSESSMENT,
            modules=(1,),
            start=dt.date(2026, 1, 1),
            end=dt.date(2026, 3, 31),
        )
        services.self_assessment_answer(
            audit=sa,
            answers={r.pk: {"answer": "compliant"} for r in sa.checklist_rows.all()},
            by=quality_manager,
        )
        services.self_assessment_complete(audit=sa, by=quality_manager)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("audits:readiness"))
    page = response.content.decode()
    assert "2 non-conformités mineures à traiter" in page
    assert "5 points sensibles à traiter" in page


def test_the_entity_panel_is_served_alone_to_htmx(client, org, quality_manager, referential):
    client.force_login(quality_manager)
    url = reverse("audits:readiness_entity", args=[org.arles_entity.pk])
    full = client.get(url).content.decode()
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" in full and "<html" not in partial
    assert "Module 1" in partial and "critères jamais auto-évalués" in partial


# ---- forms ---------------------------------------------------------------------------------------------


def audit_post(org, referential, module, **changes):
    data = {
        "entity": org.arles_entity.pk,
        "kind": "internal",
        "title": "Audit interne Arles",
        "referential": referential.pk,
        "start_on": "2015-06-18",
        "end_on": "2015-06-18",
        "modules": [module(1).pk],
    }
    data.update(changes)
    return data


def test_an_audit_is_created_from_the_form(client, org, referential, module, quality_manager, auditor):
    client.force_login(quality_manager)
    response = client.post(
        reverse("audits:audit_create"), audit_post(org, referential, module, auditors=[auditor.pk])
    )
    audit = Audit.objects.get()
    assert response.url == audit.get_absolute_url()
    assert list(audit.auditors.all()) == [auditor]


def test_end_before_start_redisplays_the_form_in_french(client, org, referential, module, quality_manager):
    client.force_login(quality_manager)
    response = client.post(
        reverse("audits:audit_create"), audit_post(org, referential, module, end_on="2015-06-01")
    )
    assert response.status_code == 200
    assert "La date de fin ne peut pas précéder la date de début." in response.content.decode()
    assert not Audit.objects.exists()


def test_a_module_outside_the_scope_redisplays_the_form(client, org, referential, module, quality_manager):
    client.force_login(quality_manager)
    response = client.post(
        reverse("audits:audit_create"),
        audit_post(org, referential, module, modules=[module(1).pk, module(7).pk]),
    )
    assert "Le module 7 n&#x27;est pas dans le périmètre de labellisation" in response.content.decode()
    assert not Audit.objects.exists()


def test_a_finding_outside_the_audit_scope_redisplays_the_form(
    client, org, make_audit, module, types, quality_manager
):
    client.force_login(quality_manager)
    audit = make_audit(org.arles_entity, modules=(1,))
    response = client.post(
        reverse("audits:finding_create", args=[audit.pk]),
        {"finding_type": types["strength"].pk, "module": module(4).pk, "title": "Élus", "observed_on": ""},
    )
    assert (
        "Ce module n&#x27;est pas dans le périmètre de l&#x27;audit (modules audités : 1)."
        in response.content.decode()
    )
    assert not Finding.objects.exists()


def test_closing_a_nonconformity_without_action_shows_why(client, org, make_audit, types, quality_manager):
    client.force_login(quality_manager)
    audit = make_audit(org.arles_entity)
    nc = services.finding_create(
        audit=audit, finding_type=types["minor_nonconformity"], title="NC", by=quality_manager
    )
    response = client.post(
        reverse("audits:finding_status", args=[nc.pk]),
        {"status": "verified_closed", "verification_note": ""},
        follow=True,
    )
    page = response.content.decode()
    assert "il ne peut être clos qu&#x27;avec une action liée réalisée" in page
    nc.refresh_from_db()
    assert nc.status == Finding.Status.OPEN


def test_the_checklist_is_filled_and_completed_from_the_page(client, org, make_audit, quality_manager):
    client.force_login(quality_manager)
    sa = make_audit(org.aix_entity, kind=Audit.Kind.SELF_ASSESSMENT, modules=(1,))
    rows = list(sa.checklist_rows.select_related("criterion", "engagement"))
    data = {f"r{r.pk}-answer": "compliant" for r in rows}
    target = next(r for r in rows if r.item_code == "E2.1")
    data[f"r{target.pk}-answer"] = "not_compliant"
    data[f"r{target.pk}-comment"] = "Badges absents au pré-accueil"
    data["complete"] = "1"
    response = client.post(reverse("audits:checklist", args=[sa.pk]), data, follow=True)
    assert "Auto-évaluation terminée : 1 constat créé" in response.content.decode()
    finding = Finding.objects.get()
    assert finding.criterion.code == "E2.1" and finding.finding_type.code == "minor_nonconformity"


# ---- gap sheet, PDF ------------------------------------------------------------------------------------


def pdf_text(content, tmp_path):
    path = tmp_path / "out.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_gap_sheet_prints_and_exports_to_pdf(client, org, make_audit, types, quality_manager, tmp_path):
    client.force_login(quality_manager)
    audit = make_audit(org.arles_entity)
    nc = services.finding_create(
        audit=audit,
        finding_type=types["minor_nonconformity"],
        criterion=Criterion.objects.get(code="E2.1"),
        title="Badges absents",
        by=quality_manager,
    )
    response = client.post(
        reverse("audits:gap_sheet_edit", args=[nc.pk]),
        {
            "observed": "Aucun badge au pré-accueil",
            "requirement": "E2.1",
            "cause_analysis": "Non commandés",
            "correction": "Chevalets posés",
        },
    )
    assert response.status_code == 302 and GapSheet.objects.filter(finding=nc).exists()
    page = client.get(reverse("audits:gap_sheet_print", args=[nc.pk])).content.decode()
    assert "Fiche d'écart n° 1" in page and "Non commandés" in page
    pdf = client.get(reverse("audits:gap_sheet_pdf", args=[nc.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content, tmp_path)
    assert "Chevalets posés" in text and "Page 1 sur 1" in text


def test_a_gap_sheet_is_not_offered_for_a_strength(client, org, make_audit, types, quality_manager):
    client.force_login(quality_manager)
    strength = services.finding_create(
        audit=make_audit(org.arles_entity),
        finding_type=types["strength"],
        title="Courtoisie",
        by=quality_manager,
    )
    assert client.get(reverse("audits:gap_sheet_edit", args=[strength.pk])).status_code == 302
    assert client.get(reverse("audits:gap_sheet_print", args=[strength.pk])).status_code == 404


def test_the_audit_report_pdf_has_the_counts_and_page_numbers(
    client, org, make_audit, types, quality_manager, tmp_path
):
    client.force_login(quality_manager)
    audit = make_audit(org.aix_entity, modules=(1, 4), external_body="AFNOR Certification")
    services.plan_line_add(
        audit=audit, date=audit.start_on, place="Hall", people_met="Référent", by=quality_manager
    )
    add_findings(audit, types, quality_manager, 15)
    add_findings(audit, types, quality_manager, 4, code="improvement_lead")
    add_findings(audit, types, quality_manager, 1, code="minor_nonconformity")
    response = client.get(reverse("audits:audit_pdf", args=[audit.pk]))
    text = pdf_text(response.content, tmp_path)
    assert "Points forts" in text and "Pistes de progrès" in text
    assert " 15" in text.split("Points forts")[1].splitlines()[0]
    assert "Page 1 sur" in text and "AFNOR Certification" in text


# ---- cycles --------------------------------------------------------------------------------------------


def test_the_cycle_comparison_puts_each_audit_side_by_side(client, org, make_audit, types, quality_manager):
    from audits.selectors import cycle_comparison

    internal = make_audit(org.arles_entity, start=dt.date(2015, 6, 18))
    external = make_audit(org.arles_entity, kind=Audit.Kind.EXTERNAL, start=dt.date(2015, 9, 17))
    renewal = make_audit(org.arles_entity, kind=Audit.Kind.RENEWAL, start=dt.date(2017, 6, 15))
    make_audit(
        org.arles_entity, kind=Audit.Kind.SELF_ASSESSMENT, start=dt.date(2016, 1, 1), end=dt.date(2016, 3, 31)
    )
    add_findings(internal, types, quality_manager, 3, code="minor_nonconformity")
    add_findings(external, types, quality_manager, 20)
    add_findings(external, types, quality_manager, 2, code="sensitive_point")
    add_findings(renewal, types, quality_manager, 1, code="sensitive_point")
    comparison = cycle_comparison(quality_manager, org.arles_entity.pk)
    assert comparison.audits == [internal, external, renewal]
    rows = {t.code: counts for t, counts in comparison.rows}
    assert rows["strength"] == [0, 20, 0]
    assert rows["sensitive_point"] == [0, 2, 1]
    assert rows["minor_nonconformity"] == [3, 0, 0]
    assert comparison.totals == [3, 22, 1]
    assert (
        len(cycle_comparison(quality_manager, org.arles_entity.pk, include_self_assessments=True).audits) == 4
    )
    client.force_login(quality_manager)
    assert (
        "Audit de renouvellement"
        in client.get(reverse("audits:cycle_comparison", args=[org.arles_entity.pk])).content.decode()
    )


# ---- Excel ---------------------------------------------------------------------------------------------


def sheet_upload(rows, headers=None):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers or list(HEADERS))
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("constats.xlsx", buffer.getvalue())


def test_an_auditors_sheet_is_imported_into_the_audit(client, org, make_audit, quality_manager):
    client.force_login(quality_manager)
    audit = make_audit(org.prefecture, modules=(1, 7))
    upload = sheet_upload(
        [
            ["Point fort", 1, "E2", "Peytral", "Agents courtois", "Badges portés"],
            ["non-conformité mineure", 7, "E7-1", "", "Plan de crise absent", ""],
            ["Points sensibles", "", "E1.1", "saint-sebastien", "Pics non affichés", ""],
        ]
    )
    response = client.post(reverse("audits:findings_import", args=[audit.pk]), {"file": upload})
    assert response.status_code == 302
    found = {
        f.title: f
        for f in Finding.objects.filter(audit=audit).select_related("finding_type", "site", "criterion")
    }
    assert found["Agents courtois"].site == org.peytral and found["Agents courtois"].engagement.code == "E2"
    assert found["Plan de crise absent"].module.number == 7
    assert found["Pics non affichés"].criterion.code == "E1.1"
    assert found["Pics non affichés"].finding_type.code == "sensitive_point"


def test_an_import_with_an_unknown_type_saves_nothing_and_says_why_by_row(
    client, org, make_audit, quality_manager
):
    client.force_login(quality_manager)
    audit = make_audit(org.arles_entity, modules=(1,))
    upload = sheet_upload(
        [
            ["Point fort", 1, "E2", "", "Agents courtois", ""],
            ["Remarque", 1, "", "", "Affichage", ""],
            ["Point fort", 4, "", "", "Élus", ""],
            ["Point fort", 1, "E99", "Istres", "Inconnu", ""],
        ]
    )
    response = client.post(reverse("audits:findings_import", args=[audit.pk]), {"file": upload})
    assert response.status_code == 400
    errors = [(e.row, e.column, e.message) for e in response.context["result"].errors]
    assert (
        3,
        "Type de constat",
        "Type de constat inconnu : « Remarque ». Valeurs acceptées : « Point fort », « Piste de progrès », "
        "« Point sensible », « Non-conformité mineure », « Non-conformité majeure ».",
    ) in errors
    assert (
        4,
        "Module",
        "Le module « 4 » n'est pas dans le périmètre de l'audit. Modules audités : « 1 ».",
    ) in errors
    assert (5, "Site", "Site inconnu pour cette entité : « Istres ». Sites acceptés : « arles ».") in errors
    messages = {(row, column): message for row, column, message in errors}
    assert messages[(5, "Engagement ou critère")].startswith(
        "Engagement ou critère inconnu dans le module 1 : « E99 »."
    )
    assert "rien n'a été enregistré" in response.content.decode()
    assert not Finding.objects.exists()


def test_a_file_without_the_columns_is_refused(client, org, make_audit, quality_manager):
    client.force_login(quality_manager)
    audit = make_audit(org.arles_entity)
    response = client.post(
        reverse("audits:findings_import", args=[audit.pk]),
        {"file": sheet_upload([["x"]], headers=["Constat"])},
    )
    assert "Colonnes manquantes" in response.content.decode()
    assert client.get(reverse("audits:findings_import_template")).status_code == 200


def test_the_export_contains_what_the_list_filters(client, org, make_audit, types, quality_manager):
    client.force_login(quality_manager)
    arles = make_audit(org.arles_entity)
    istres = make_audit(org.istres_entity)
    add_findings(arles, types, quality_manager, 2)
    add_findings(arles, types, quality_manager, 1, code="minor_nonconformity")
    add_findings(istres, types, quality_manager, 4)
    response = client.get(
        reverse("audits:finding_export"), {"entity": org.arles_entity.pk, "type": "strength"}
    )
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("N°", "Entité", "Site")
    assert len(rows) == 3
    assert {r[1] for r in rows[1:]} == {"Sous-préfecture d'Arles"}
    assert isinstance(rows[1][10], dt.datetime)  # "Constaté le" is a real date
    audits = load_workbook(BytesIO(client.get(reverse("audits:audit_export")).content)).active
    assert audits.max_row == 3
