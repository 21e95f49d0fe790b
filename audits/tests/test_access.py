"""Who may read and write what: auditors write only the findings of the audits they are assigned to."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audits import services
from audits.models import Audit, Finding
from audits.selectors import FINDINGS_WRITE, audit_for_user, finding_for_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def arles_audit(org, make_audit, auditor, arles_auditor):
    return make_audit(org.arles_entity, auditors=[auditor, arles_auditor], title="Audit interne Arles")


@pytest.fixture
def istres_audit(org, make_audit):
    return make_audit(org.istres_entity, title="Audit interne Istres")


def new_finding_data(types):
    return {
        "finding_type": types["strength"].pk,
        "title": "Accueil courtois",
        "description": "",
        "observed_on": "",
    }


def test_an_assigned_auditor_records_a_finding(client, arles_audit, auditor, types):
    client.force_login(auditor)
    response = client.post(reverse("audits:finding_create", args=[arles_audit.pk]), new_finding_data(types))
    finding = Finding.objects.get()
    assert response.status_code == 302
    assert finding.audit == arles_audit
    assert finding.history.first().history_user == auditor


def test_an_auditor_of_arles_cannot_touch_istres(
    client, arles_audit, istres_audit, auditor, arles_auditor, types
):
    # The département's auditor reads Istres but is not assigned: 403, nothing saved.
    client.force_login(auditor)
    url = reverse("audits:finding_create", args=[istres_audit.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, new_finding_data(types)).status_code == 403
    assert client.post(reverse("audits:findings_import", args=[istres_audit.pk])).status_code == 403
    # The auditor whose membership covers Arles only does not even see Istres: 404.
    client.force_login(arles_auditor)
    assert client.get(reverse("audits:audit_detail", args=[istres_audit.pk])).status_code == 404
    assert client.post(url, new_finding_data(types)).status_code == 404
    assert client.get(reverse("audits:audit_detail", args=[arles_audit.pk])).status_code == 200
    assert not Finding.objects.exists()


def test_an_auditor_cannot_write_a_finding_of_another_audit(istres_audit, auditor, quality_manager, types):
    finding = services.finding_create(
        audit=istres_audit, finding_type=types["strength"], title="Badges", by=quality_manager
    )
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        finding_for_user(auditor, finding.pk, write=True)
    with pytest.raises(PermissionDenied):
        audit_for_user(auditor, istres_audit.pk, perm=FINDINGS_WRITE)
    assert finding_for_user(auditor, finding.pk) == finding


def test_an_auditor_does_not_edit_the_audit_itself(client, arles_audit, auditor):
    client.force_login(auditor)
    assert client.get(reverse("audits:audit_edit", args=[arles_audit.pk])).status_code == 403
    response = client.post(reverse("audits:audit_status", args=[arles_audit.pk]), {"status": "in_progress"})
    assert response.status_code == 403
    arles_audit.refresh_from_db()
    assert arles_audit.status == Audit.Status.PLANNED


def test_the_arles_referent_writes_arles_findings_without_being_assigned(
    client, arles_audit, arles_referent, types
):
    client.force_login(arles_referent)
    response = client.post(reverse("audits:finding_create", args=[arles_audit.pk]), new_finding_data(types))
    assert response.status_code == 302


def test_the_committee_reads_but_gets_403_on_writes(client, arles_audit, committee_member, types):
    client.force_login(committee_member)
    assert client.get(reverse("audits:audit_detail", args=[arles_audit.pk])).status_code == 200
    assert (
        client.post(
            reverse("audits:finding_create", args=[arles_audit.pk]), new_finding_data(types)
        ).status_code
        == 403
    )
    assert client.get(reverse("audits:audit_create")).status_code == 403
    assert client.get(reverse("audits:general_finding_create")).status_code == 403
    page = client.get(reverse("audits:audit_detail", args=[arles_audit.pk])).content.decode()
    assert "Nouveau constat" not in page and "Modifier" not in page


def test_an_outsider_gets_404_everywhere(client, arles_audit, outsider, quality_manager, types):
    finding = services.finding_create(
        audit=arles_audit, finding_type=types["minor_nonconformity"], title="Badges", by=quality_manager
    )
    services.gap_sheet_save(finding=finding, observed="Badges absents", by=quality_manager)
    client.force_login(outsider)
    for name, args in [
        ("audits:audit_detail", [arles_audit.pk]),
        ("audits:audit_pdf", [arles_audit.pk]),
        ("audits:checklist", [arles_audit.pk]),
        ("audits:finding_detail", [finding.pk]),
        ("audits:gap_sheet_print", [finding.pk]),
        ("audits:gap_sheet_pdf", [finding.pk]),
        ("audits:finding_edit", [finding.pk]),
        ("audits:cycle_comparison", [arles_audit.entity_id]),
        ("audits:readiness_entity", [arles_audit.entity_id]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    assert (
        client.post(
            reverse("audits:finding_status", args=[finding.pk]), {"status": "action_planned"}
        ).status_code
        == 404
    )
    export = client.get(reverse("audits:finding_export"))
    sheet = load_workbook(BytesIO(export.content)).active
    assert sheet.max_row == 1  # headers only
    assert "Badges" not in client.get(reverse("audits:finding_list")).content.decode()


def test_general_findings_are_read_by_the_whole_department_and_written_by_the_quality_manager(
    client, org, types, quality_manager, arles_referent, outsider
):
    finding = services.finding_create(
        department=org.bdr,
        finding_type=types["strength"],
        title="Les outils de pilotage sont performants.",
        by=quality_manager,
    )
    client.force_login(arles_referent)
    assert client.get(reverse("audits:finding_detail", args=[finding.pk])).status_code == 200
    assert client.get(reverse("audits:finding_edit", args=[finding.pk])).status_code == 403
    client.force_login(outsider)
    assert client.get(reverse("audits:finding_detail", args=[finding.pk])).status_code == 404
    client.force_login(quality_manager)
    response = client.post(
        reverse("audits:general_finding_create"),
        {
            "department": org.bdr.pk,
            "finding_type": types["sensitive_point"].pk,
            "title": "Taux de décroché",
            "description": "",
            "observed_on": "2015-09-18",
        },
    )
    assert response.status_code == 302
    assert Finding.objects.filter(entity__isnull=True).count() == 2
