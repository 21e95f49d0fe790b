"""A département's quality manager edits the referential in the app: a new version for the département,
the previous one kept; the loader's rules refuse a bad value in French and nothing changes."""

import datetime as dt
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from referential import editing
from referential.crosswalk import load_crosswalk
from referential.cycles import RECORDED, NextAudit, next_audits
from referential.loader import DEFAULT_FILE, SPPLUS_FILE, ReferentialFileError, load_referential
from referential.models import (
    CrosswalkLink,
    Engagement,
    FindingType,
    LabelCycle,
    LabelScope,
    Module,
    Referential,
)
from referential.params import parameter_value
from referential.selectors import current_referential
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def spplus(org):
    load_referential(DEFAULT_FILE)
    published = load_referential(SPPLUS_FILE).referential
    load_crosswalk()
    today = timezone.localdate()
    for entity in (org.prefecture, org.arles_entity, org.vaucluse_entity):
        LabelScope.objects.create(
            entity=entity,
            module=Module.objects.get(referential=published, number=1),
            status=LabelScope.Status.LABELLED,
            awarded_on=today - dt.timedelta(days=300),
            valid_until=today - dt.timedelta(days=300) + dt.timedelta(days=3 * 365),
            started_on=today - dt.timedelta(days=700),
        )
    return published


def form_data(referential, department, **changes):
    """The edit page's fields with their current values (as the browser posts them), then `changes`."""
    data = {"departement": department.pk}
    for group in editing.groups(editing.snapshot(referential, department)):
        for fld in group.fields:
            if fld.kind == "checkbox":
                data[fld.name] = "1" if fld.value else "0"
            else:
                data[fld.name] = "" if fld.value is None else str(fld.value)
    data.update(changes)
    return data


def path_of(referential, department, label):
    """The field name whose French label is `label`."""
    for group in editing.groups(editing.snapshot(referential, department)):
        for fld in group.fields:
            if fld.label == label:
                return fld.name
    raise KeyError(label)


def everything():
    return (
        Referential.objects.count(),
        Engagement.objects.count(),
        sorted(Engagement.objects.values_list("pk", "title", "to_confirm")),
        sorted(LabelScope.objects.values_list("pk", "module_id", "ended_on")),
        LabelCycle.objects.count(),
    )


def test_the_page_shows_the_values_and_flags_those_to_confirm(client, quality_manager, org, spplus):
    client.force_login(quality_manager)
    page = client.get(reverse("referential:edit", args=[spplus.pk])).content.decode()
    assert "Un service public éco-responsable" in page
    assert "à confirmer" in page
    assert 'href="#engagement-SP8"' in page  # listed among the items to confirm
    assert 'href="#cycle"' in page
    assert "Bouches-du-Rhône" in page


def test_saving_creates_a_version_of_the_department_and_keeps_the_published_one(
    client, quality_manager, org, spplus
):
    client.force_login(quality_manager)
    sp8 = path_of(spplus, org.bdr, "Engagement SP8 — intitulé")
    sp8_confirm = path_of(spplus, org.bdr, "Engagement SP8 — formulation à confirmer")
    days = path_of(spplus, org.bdr, "Paramètre « Délai de réponse aux réclamations » — valeur")
    surveillance = "cycle.surveillance_interval_months"
    strength = path_of(spplus, org.bdr, "Type de constat « Point fort » — libellé")
    response = client.post(
        reverse("referential:edit", args=[spplus.pk]),
        form_data(
            spplus,
            org.bdr,
            **{
                sp8: "Un service public écoresponsable",
                sp8_confirm: "0",
                days: "10",
                surveillance: "18",
                strength: "Point remarquable",
            },
        ),
    )
    assert response.status_code == 302
    new = Referential.objects.get(department=org.bdr)
    assert response["Location"] == reverse("referential:detail", args=[new.pk])
    today = timezone.localdate()
    assert (new.adapts, new.code, new.valid_from) == (spplus, spplus.code, today)
    assert new.version == f"{spplus.version}-13.1"
    sp8_new = Engagement.objects.get(module__referential=new, code="SP8")
    assert (sp8_new.title, sp8_new.to_confirm) == ("Un service public écoresponsable", False)
    assert new.cycle.surveillance_interval_months == 18
    assert FindingType.objects.get(referential=new, code="strength").label == "Point remarquable"
    # The published version is untouched.
    sp8_old = Engagement.objects.get(module__referential=spplus, code="SP8")
    assert (sp8_old.title, sp8_old.to_confirm) == ("Un service public éco-responsable", True)
    assert spplus.cycle.surveillance_interval_months == 12
    # The département reads its version; the others the published one.
    assert current_referential(department=org.bdr) == new
    assert current_referential(department=org.vaucluse) == spplus
    assert current_referential() == spplus
    assert parameter_value(spplus, "complaint_answer_days", department=org.bdr) == 10
    assert parameter_value(spplus, "complaint_answer_days", department=org.vaucluse) == 15
    assert parameter_value(spplus, "complaint_answer_days") == 15
    yesterday = today - dt.timedelta(days=1)
    assert parameter_value(spplus, "complaint_answer_days", department=org.bdr, on=yesterday) == 15
    # The département's entities work under the new version, label kept; the past scope is kept, ended.
    current = LabelScope.objects.filter(entity__department=org.bdr).current(today)
    assert {(s.module.referential_id, s.status) for s in current} == {(new.pk, "labelled")}
    ended = LabelScope.objects.filter(entity=org.prefecture, module__referential=spplus).get()
    assert ended.ended_on == today
    vaucluse = LabelScope.objects.get(entity=org.vaucluse_entity)
    assert vaucluse.module.referential == spplus and vaucluse.ended_on is None
    # The crosswalk from Qualipref 2.0 reaches the new version too.
    assert CrosswalkLink.objects.filter(target_engagement__module__referential=new).count() == (
        CrosswalkLink.objects.filter(target_engagement__module__referential=spplus).count()
    )


def test_a_second_edit_builds_on_the_first(client, quality_manager, org, spplus):
    client.force_login(quality_manager)
    days = path_of(spplus, org.bdr, "Paramètre « Délai de réponse aux réclamations » — valeur")
    url = reverse("referential:edit", args=[spplus.pk])
    assert client.post(url, form_data(spplus, org.bdr, **{days: "10"})).status_code == 302
    first = Referential.objects.get(department=org.bdr)
    sp8 = path_of(first, org.bdr, "Engagement SP8 — intitulé")
    # The page opened from the published version edits the département's newest version.
    assert client.post(url, form_data(first, org.bdr, **{sp8: "Sobriété"})).status_code == 302
    second = Referential.objects.filter(department=org.bdr).latest("pk")
    assert second.version == f"{spplus.version}-13.2" and second.adapts == spplus
    assert parameter_value(spplus, "complaint_answer_days", department=org.bdr) == 10  # kept from the first
    assert Engagement.objects.get(module__referential=second, code="SP8").title == "Sobriété"
    assert current_referential(department=org.bdr) == second
    today = timezone.localdate()
    current = LabelScope.objects.filter(entity=org.prefecture).current(today)
    assert [s.module.referential_id for s in current] == [second.pk]


def test_the_next_audit_counts_the_audits_of_every_version(
    client, quality_manager, org, spplus, django_assert_num_queries
):
    from audits.models import Audit

    today = timezone.localdate()
    module = Module.objects.get(referential=spplus, number=1)
    audit = Audit.objects.create(
        entity=org.prefecture,
        kind="external",
        title="Audit de surveillance",
        status="report_issued",
        referential=spplus,
        start_on=today - dt.timedelta(days=30),
        end_on=today - dt.timedelta(days=30),
    )
    audit.modules.add(module)
    scope = LabelScope.objects.select_related("module__referential").get(entity=org.prefecture)
    before = next_audits([scope])[scope.pk]
    client.force_login(quality_manager)
    days = path_of(spplus, org.bdr, "Paramètre « Délai de réponse aux réclamations » — valeur")
    client.post(reverse("referential:edit", args=[spplus.pk]), form_data(spplus, org.bdr, **{days: "10"}))
    moved = LabelScope.objects.select_related("module__referential").get(entity=org.prefecture, ended_on=None)
    assert moved.module.referential.department == org.bdr
    assert next_audits([moved])[moved.pk] == before
    # Scopes read with their referential's cycle (as the label overview reads them): the same date, the
    # cycle not read again; a referential without a cycle is known as such and keeps the recorded date.
    with_cycle = LabelScope.objects.select_related("module__referential__cycle").get(pk=moved.pk)
    with django_assert_num_queries(1):  # the modules' last audits
        assert next_audits([with_cycle])[moved.pk] == before
    LabelCycle.objects.filter(referential=moved.module.referential).delete()
    LabelScope.objects.filter(pk=moved.pk).update(next_audit_on=today + dt.timedelta(days=90))
    without = LabelScope.objects.select_related("module__referential__cycle").get(pk=moved.pk)
    with django_assert_num_queries(0):  # no cycle: no audit to read either
        assert next_audits([without])[moved.pk] == NextAudit(today + dt.timedelta(days=90), RECORDED)
    # The past audit keeps the version of its time.
    audit.refresh_from_db()
    assert audit.referential == spplus


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "cycle.surveillance_interval_months",
            "0",
            "Cycle du label — intervalle des audits de surveillance (mois) : un intervalle doit être un "
            "nombre de mois positif, pas « 0 ».",
        ),
        (
            "cycle.validity_months",
            "-12",
            "Cycle du label — durée de validité du label (mois) : un intervalle doit être un nombre de mois "
            "positif, pas « -12 ».",
        ),
        (
            "cycle.validity_months",
            "trois ans",
            "Cycle du label — durée de validité du label (mois) : un nombre entier est attendu",
        ),
        (
            "Paramètre « Délai de réponse aux réclamations » — engagement mesuré",
            "SP9",
            "Paramètre « Délai de réponse aux réclamations » — engagement mesuré : "
            "engagement inconnu « SP9 » : il n'est pas défini dans ce référentiel.",
        ),
        (
            "Paramètre « Délai de réponse aux réclamations » — valeur",
            "quinze",
            "Paramètre « Délai de réponse aux réclamations » — valeur : "
            "« quinze » n'est pas un nombre entier.",
        ),
        ("Engagement SP4 — intitulé", "  ", "Engagement SP4 — intitulé : champ obligatoire."),
        ("Type de constat « Point fort » — couleur", "fuchsia", "couleur inconnue « fuchsia »"),
    ],
)
def test_a_bad_value_is_refused_in_french_and_nothing_changes(
    client, quality_manager, org, spplus, field, value, message
):
    client.force_login(quality_manager)
    name = field if field.startswith("cycle.") else path_of(spplus, org.bdr, field)
    before = everything()
    response = client.post(
        reverse("referential:edit", args=[spplus.pk]), form_data(spplus, org.bdr, **{name: value})
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert message in unescape(page)
    assert "Rien n'a été enregistré" in page
    assert everything() == before


def test_an_unchanged_form_creates_no_version(client, quality_manager, org, spplus):
    client.force_login(quality_manager)
    before = everything()
    response = client.post(reverse("referential:edit", args=[spplus.pk]), form_data(spplus, org.bdr))
    assert response.status_code == 400
    assert "Aucune modification" in response.content.decode()
    assert everything() == before


def test_referents_read_and_outsiders_find_nothing(client, org, spplus, quality_manager, arles_referent):
    url = reverse("referential:edit", args=[spplus.pk])
    client.force_login(quality_manager)
    days = path_of(spplus, org.bdr, "Paramètre « Délai de réponse aux réclamations » — valeur")
    client.post(url, form_data(spplus, org.bdr, **{days: "10"}))
    version = Referential.objects.get(department=org.bdr)
    before = everything()
    # The Arles referent reads the département's version but may not edit it.
    client.force_login(arles_referent)
    assert client.get(reverse("referential:detail", args=[version.pk])).status_code == 200
    assert client.get(url).status_code == 403
    assert client.post(url, form_data(version, org.bdr, **{days: "3"})).status_code == 403
    assert client.get(reverse("referential:edit", args=[version.pk])).status_code == 403
    # Vaucluse's quality manager: another département's version is not found; the published one is
    # edited for Vaucluse.
    vaucluse_qm = f.persona("qualite.vaucluse", "quality_manager", org.vaucluse)
    client.force_login(vaucluse_qm)
    assert client.get(reverse("referential:detail", args=[version.pk])).status_code == 404
    assert client.get(reverse("referential:edit", args=[version.pk])).status_code == 404
    assert client.post(reverse("referential:edit", args=[version.pk]), {}).status_code == 404
    page = client.get(reverse("referential:detail", args=[spplus.pk])).content.decode()
    assert version.version not in page
    page = client.get(url).content.decode()
    assert "Vaucluse" in page and "10" not in page.split(days)[1][:120]
    assert everything() == before
    client.logout()
    assert client.get(url).status_code == 302


def test_the_administrator_chooses_the_department(client, administrator, org, spplus):
    client.force_login(administrator)
    url = reverse("referential:edit", args=[spplus.pk])
    page = client.get(url, {"departement": org.vaucluse.pk}).content.decode()
    assert f'name="departement" value="{org.vaucluse.pk}"' in page
    days = path_of(spplus, org.vaucluse, "Paramètre « Délai de réponse aux réclamations » — valeur")
    assert client.post(url, form_data(spplus, org.vaucluse, **{days: "20"})).status_code == 302
    assert Referential.objects.get(department=org.vaucluse).version == f"{spplus.version}-84.1"
    assert parameter_value(spplus, "complaint_answer_days", department=org.vaucluse) == 20
    assert parameter_value(spplus, "complaint_answer_days", department=org.bdr) == 15


def test_a_file_does_not_replace_a_departments_version(org, spplus, tmp_path):
    version = editing.save_version(
        referential=spplus,
        department=org.bdr,
        post=_querydict(form_data(spplus, org.bdr, **{"cycle.validity_months": "48"})),
        by=None,
    )
    text = SPPLUS_FILE.read_text(encoding="utf-8").replace('version: "2023"', f'version: "{version.version}"')
    path = tmp_path / "copie.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReferentialFileError, match="celle d'un département"):
        load_referential(path)
    version.refresh_from_db()
    assert version.department == org.bdr and version.cycle.validity_months == 48


def _querydict(data):
    from django.http import QueryDict

    q = QueryDict(mutable=True)
    for key, value in data.items():
        q[key] = str(value)
    return q


def _readiness_texts(user, entity):
    from audits.selectors import readiness_overview

    [row] = readiness_overview(user, entity_ids=[entity.pk])
    return row.status, [(m.module_number, m.status, [r.text for r in m.reasons]) for m in row.modules]


def test_readiness_after_an_edit_still_counts_what_was_recorded_under_the_national_version(
    client, quality_manager, org, spplus
):
    """The findings of an audit, the actions on them and the last self-assessment, all recorded against the
    national version, still count once the département edits the referential (its entities then work under
    the new version, whose module and engagements are other rows)."""
    from actionplans.models import Action, ActionPlan
    from audits import services as audit_services
    from audits.models import Audit

    today = timezone.localdate()
    module = Module.objects.get(referential=spplus, number=1)
    types = {t.code: t for t in FindingType.objects.filter(referential=spplus)}
    audit = audit_services.audit_create(
        entity=org.prefecture,
        kind=Audit.Kind.EXTERNAL,
        title="Audit de certification",
        referential=spplus,
        start_on=today - dt.timedelta(days=60),
        end_on=today - dt.timedelta(days=60),
        modules=[module],
        by=quality_manager,
    )
    sp4 = Engagement.objects.get(module=module, code="SP4")
    for number, title in enumerate(["Accusés de réception tardifs", "Délai annoncé non affiché"], start=1):
        audit_services.finding_create(
            audit=audit,
            finding_type=types["minor_nonconformity"],
            title=title,
            module=module,
            engagement=sp4,
            number=number,
            by=quality_manager,
        )
    late = audit.findings.get(number=1)
    plan = ActionPlan.objects.create(entity=org.prefecture, year=today.year, title="Plan")
    Action.objects.create(
        plan=plan,
        entity=org.prefecture,
        title="Accuser réception sous une semaine",
        owner=quality_manager,
        module=module,
        due_on=today - dt.timedelta(days=5),
        origin_kind=Action.OriginKind.FINDING,
        origin_finding=late,
    )
    audit_services.finding_actions_changed(finding=late, by=quality_manager)
    sa = audit_services.audit_create(
        entity=org.prefecture,
        kind=Audit.Kind.SELF_ASSESSMENT,
        title="Auto-évaluation",
        referential=spplus,
        start_on=today - dt.timedelta(days=40),
        end_on=today - dt.timedelta(days=10),
        modules=[module],
        by=quality_manager,
    )
    rows = list(sa.checklist_rows.all())
    answers = {r.pk: {"answer": "compliant"} for r in rows}
    answers[next(r.pk for r in rows if r.item_code == "SP4.1")] = {"answer": "not_compliant"}
    audit_services.self_assessment_answer(audit=sa, answers=answers, by=quality_manager)
    audit_services.self_assessment_complete(audit=sa, by=quality_manager, today=today - dt.timedelta(days=10))

    before = _readiness_texts(quality_manager, org.prefecture)
    texts = " ".join(t for _n, _s, reasons in before[1] for t in reasons)
    # two findings of the audit and one from the self-assessment; one of them has its (overdue) action
    assert "3 non-conformités mineures" in texts
    assert "2 constats appellent une action et n'en ont aucune" in texts
    assert "1 action en retard" in texts
    assert "(SP4.1)" in texts and "jamais auto-évalué" not in texts

    client.force_login(quality_manager)
    days = path_of(spplus, org.bdr, "Paramètre « Délai de réponse aux réclamations » — valeur")
    response = client.post(
        reverse("referential:edit", args=[spplus.pk]), form_data(spplus, org.bdr, **{days: "10"})
    )
    assert response.status_code == 302
    moved = LabelScope.objects.get(entity=org.prefecture, ended_on=None)
    assert moved.module.referential.department == org.bdr and moved.module_id != module.pk

    assert _readiness_texts(quality_manager, org.prefecture) == before


def _edit(client, quality_manager, org, spplus) -> Referential:
    """The département's quality manager renames the finding type « Point fort » and SP8: a new version."""
    client.force_login(quality_manager)
    strength = path_of(spplus, org.bdr, "Type de constat « Point fort » — libellé")
    sp8 = path_of(spplus, org.bdr, "Engagement SP8 — intitulé")
    data = form_data(spplus, org.bdr, **{strength: "Point remarquable", sp8: "Sobriété"})
    assert client.post(reverse("referential:edit", args=[spplus.pk]), data).status_code == 302
    return Referential.objects.get(department=org.bdr)


def test_every_engagement_picker_offers_the_version_in_force_in_the_department(
    client, quality_manager, org, spplus
):
    from actionplans.forms import ActionForm
    from audits import services as audit_services
    from audits.forms import FindingForm, GeneralFindingForm
    from indicators.forms import IndicatorForm
    from steering.forms import DocumentForm
    from surveys.forms import CriterionForm

    new = _edit(client, quality_manager, org, spplus)
    assert current_referential(department=org.bdr) == new
    vaucluse_manager = f.persona("qualite.vaucluse", "quality_manager", org.vaucluse)

    # Bouches-du-Rhône (edited): its own version everywhere; Vaucluse: the national one.
    for department, version, user, entity in (
        (org.bdr, new, quality_manager, org.prefecture),
        (org.vaucluse, spplus, vaucluse_manager, org.vaucluse_entity),
    ):
        action = ActionForm(user=user, entity_ids=[entity.pk])
        assert {e.module.referential for e in action.fields["engagement"].queryset} == {version}
        assert {m.referential for m in action.fields["module"].queryset} == {version}
        indicator = IndicatorForm(department=department)
        assert {e.module.referential for e in indicator.fields["engagement"].queryset} == {version}
        assert {m.referential for m in indicator.fields["module"].queryset} == {version}
        criterion = CriterionForm(department_id=department.pk)
        assert {e.module.referential for e in criterion.fields["engagement"].queryset} == {version}
        general = GeneralFindingForm(department_ids=[department.pk])
        assert {t.referential for t in general.fields["finding_type"].queryset} == {version}
        document = DocumentForm(user=user)
        assert {e.module.referential for e in document.fields["engagement"].queryset} == {version}
    sp8 = [
        e
        for e in ActionForm(user=quality_manager, entity_ids=[org.prefecture.pk])
        .fields["engagement"]
        .queryset
    ]
    assert "Sobriété" in {e.title for e in sp8}
    labels = {
        t.label for t in GeneralFindingForm(department_ids=[org.bdr.pk]).fields["finding_type"].queryset
    }
    assert "Point remarquable" in labels and "Point fort" not in labels

    # A past cycle's engagement shows its counterparts in the version in force for its département.
    from referential.templatetags.crosswalk import counterparts

    old = (
        CrosswalkLink.objects.filter(target_engagement__module__referential=spplus).first().source_engagement
    )
    for department, version in ((org.bdr, new), (org.vaucluse, spplus)):
        links = counterparts(engagement=old, department=department.pk)["links"]
        assert links and {link.target_engagement.module.referential for link in links} == {version}

    # The referential pages open on the version in force, the crosswalk leads to it.
    for user, version in ((quality_manager, new), (vaucluse_manager, spplus)):
        client.force_login(user)
        assert client.get(reverse("referential:index"))["Location"] == reverse(
            "referential:detail", args=[version.pk]
        )
        assert client.get(reverse("referential:crosswalk")).context["target"] == version
    client.force_login(quality_manager)

    # A new audit starts on the département's version, so its findings' pickers offer that version.
    response = client.get(reverse("audits:audit_create"))
    assert response.context["form"].initial["referential"] == new
    assert spplus in response.context["form"].fields["referential"].queryset
    assert new in response.context["form"].fields["referential"].queryset
    audit = audit_services.audit_create(
        entity=org.prefecture,
        kind="internal",
        title="Audit interne",
        referential=new,
        start_on=timezone.localdate(),
        end_on=timezone.localdate(),
        modules=[Module.objects.get(referential=new, number=1)],
        by=quality_manager,
    )
    finding = FindingForm(audit=audit)
    assert {e.module.referential for e in finding.fields["engagement"].queryset} == {new}
    # Another département never sees this version offered.
    client.force_login(vaucluse_manager)
    form = client.get(reverse("audits:audit_create")).context["form"]
    assert form.initial["referential"] == spplus and new not in form.fields["referential"].queryset
    # Self-assessments are planned on the version in force.
    year = timezone.localdate().year
    planned = audit_services.self_assessments_schedule(entity=org.prefecture, year=year, by=quality_manager)
    assert {a.referential for a in planned} == {new}


def test_an_action_on_the_national_engagement_after_the_edit_is_refused_in_french(
    client, quality_manager, org, spplus
):
    from actionplans.models import Action

    _edit(client, quality_manager, org, spplus)
    national = Engagement.objects.get(module__referential=spplus, code="SP4")
    today = timezone.localdate()
    response = client.post(
        reverse("actionplans:action_create"),
        {
            "title": "Accuser réception sous une semaine",
            "entity": org.prefecture.pk,
            "sites": [org.peytral.pk],
            "category": "improvement",
            "engagement": national.pk,
            "origin_kind": "free_text",
            "owner": quality_manager.pk,
            "start_on": today.isoformat(),
            "due_on": (today + dt.timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert not Action.objects.exists()
    errors = response.context["form"].errors["engagement"]
    assert errors and "Sélectionnez un choix valide" in errors[0]


def test_the_versions_in_force_of_many_departements_cost_one_query(
    client, quality_manager, org, spplus, django_assert_num_queries
):
    from referential.selectors import department_version, versions_in_force

    new = _edit(client, quality_manager, org, spplus)
    # a later version of the same département, not in force yet, is not taken
    later = Referential.objects.get(pk=new.pk)
    later.pk, later.code = None, f"{new.code}-later"
    later.valid_from = timezone.localdate() + dt.timedelta(days=400)
    later.save()
    ids = [org.bdr.pk, org.vaucluse.pk]
    with django_assert_num_queries(1):
        versions = versions_in_force(ids)
    assert versions == {org.bdr.pk: new, org.vaucluse.pk: spplus}
    assert versions == {d.pk: department_version(spplus, d) for d in (org.bdr, org.vaucluse)}
    # on every version's start (and the days around it), each département's current referential
    from referential.selectors import current_referential

    starts = sorted({r.valid_from for r in Referential.objects.all() if r.valid_from})
    for day in [d + dt.timedelta(days=k) for d in starts for k in (-1, 0, 1)]:
        assert versions_in_force(ids, day) == {pk: current_referential(day, department=pk) for pk in ids}, day
    assert versions_in_force([]) == {}


def _current_referential_in_two_steps(today, department=None):
    """The former definition: the published version in force (else the newest), then the département's."""
    from django.db.models import F

    from referential.selectors import department_version

    published = Referential.objects.filter(department__isnull=True)
    in_force = published.exclude(valid_from__gt=today).order_by(
        F("valid_from").desc(nulls_last=True), "-published_on"
    )
    current = in_force.first() or published.order_by("-valid_from", "-published_on").first()
    return department_version(current, department, today) if department is not None else current


def test_the_current_referential_of_a_departement_is_read_in_one_query(
    client, quality_manager, org, spplus, django_assert_num_queries
):
    """The version in force for a département (its own edited one, else the published one in force, else the
    newest published) in one query, the same as reading the published version and then the département's,
    on dates before, between and after the versions' starts."""
    from referential.selectors import current_referential

    new = _edit(client, quality_manager, org, spplus)
    later = Referential.objects.get(pk=new.pk)
    later.pk, later.code = None, f"{new.code}-later"
    later.valid_from = timezone.localdate() + dt.timedelta(days=400)
    later.save()
    starts = sorted({r.valid_from for r in Referential.objects.all() if r.valid_from})
    days = [starts[0] - dt.timedelta(days=1)] + [d + dt.timedelta(days=k) for d in starts for k in (-1, 0, 1)]
    days.append(timezone.localdate())
    seen = set()
    for day in days:
        for department in (None, org.bdr, org.vaucluse, org.bdr.pk):
            with django_assert_num_queries(1):
                found = current_referential(day, department=department)
            assert found == _current_referential_in_two_steps(day, department), (day, department)
            seen.add(found.pk if found else None)
    assert {spplus.pk, new.pk, later.pk} <= seen  # the comparison went through every version


def test_a_parameter_of_the_referential_in_force_is_read_in_one_query(
    client, quality_manager, org, spplus, django_assert_num_queries
):
    """`parameter_values(CURRENT, …)`: the referential in force read within the parameters' query gives
    what reading it first and then its parameters gives — the published value, a département's override,
    a département's own version — on dates before and after each version's start."""
    from referential.models import Parameter
    from referential.params import CURRENT, parameter_values
    from referential.selectors import current_referential

    new = _edit(client, quality_manager, org, spplus)
    key = "results_max_age_months"
    base = Parameter.objects.get(referential=spplus, key=key, department__isnull=True)
    Parameter.objects.filter(referential=new, key=key).update(value="6")  # the version's own value
    override = Parameter.objects.get(pk=base.pk)
    override.pk, override.department, override.value = None, org.vaucluse, "9"  # an override
    override.save()
    starts = sorted({r.valid_from for r in Referential.objects.all() if r.valid_from})
    days = [d + dt.timedelta(days=k) for d in starts for k in (-1, 0, 1)] + [timezone.localdate()]
    departments = [org.bdr.pk, org.vaucluse.pk, None]
    seen = set()
    for day in days:
        with django_assert_num_queries(1):
            found = parameter_values(CURRENT, key, departments, default=99, on=day)
        expected = parameter_values(current_referential(day), key, departments, default=99, on=day)
        assert found == expected, day
        seen |= set(found.values())
    assert {6, 9, int(base.value)} <= seen  # the version's, the override's and the published value
