"""The rows the access matrix requests: one of every kind a URL can name, in two scopes.

`build_scope` makes them on one site (and its entity and département) with a marker in their titles, so
that a page that leaks them can be caught by text; the access matrix builds them in a Bouches-du-Rhône
site none of the site personas holds (Aix-en-Provence) and in Vaucluse.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts import services as account_services
from actionplans import services as action_services
from actionplans.models import ActionPlan
from audits import services as audit_services
from audits.models import Audit, AuditPlanLine
from complaints.models import Kind, ModelAnswer
from complaints.services import correspondence_create
from indicators.models import Indicator, Measurement, Target
from indicators.services import api_client_create, measurement_record
from indicators.tests.factories import computed_indicator
from publication import collect
from publication import services as publication_services
from qualipref.attachments.models import Attachment
from referential.models import FindingType, LabelScope, Module
from reports.models import ReportRun
from sites.models import Membership, Role, User
from steering import services as steering_services
from steering.models import (
    Agent,
    Committee,
    CrisisExercise,
    Deadline,
    Decision,
    Document,
    LabelEvent,
    Meeting,
    Newsletter,
    PressRelease,
    SocialMediaCount,
)
from surveys.models import Campaign, Criterion, Result, SurveyUnit


def _attach(parent, by, name):
    return Attachment.objects.create(
        content_type=ContentType.objects.get_for_model(parent),
        object_id=parent.pk,
        file=ContentFile(b"%PDF-1.4 confidential\n", name=name),
        original_name=name,
        size=23,
        uploaded_by=by,
    )


def build_scope(
    *, site, marker: str, department_marker: str, referential, by, year: int = 2015
) -> SimpleNamespace:
    """One row of every kind on `site`, its entity and its département: the site's and entity's rows
    titled with `marker`, the département's with `department_marker`."""
    entity, department = site.entity, site.entity.department
    modules = {m.number: m for m in Module.objects.filter(referential=referential)}
    types = FindingType.objects.filter(referential=referential)
    LabelScope.objects.get_or_create(
        entity=entity,
        module=modules[1],
        defaults={"status": LabelScope.Status.LABELLED, "awarded_on": dt.date(year - 1, 11, 27)},
    )
    s = SimpleNamespace(site=site, entity=entity, department=department, marker=marker)
    s.reception_point = site.reception_points.order_by("pk").first()
    dmarker = department_marker

    # audits
    s.audit = audit_services.audit_create(
        entity=entity,
        kind=Audit.Kind.INTERNAL,
        title=f"Audit {marker}",
        referential=referential,
        start_on=dt.date(year, 6, 8),
        end_on=dt.date(year, 6, 9),
        modules=[modules[1]],
        by=by,
    )
    s.plan_line = AuditPlanLine.objects.create(
        audit=s.audit, date=dt.date(year, 6, 8), place=f"Accueil {marker}", topic=f"Entretien {marker}"
    )
    # a non-conformity: it has a gap sheet
    s.finding = audit_services.finding_create(
        finding_type=types.get(code="minor_nonconformity"),
        title=f"Constat {marker}",
        by=by,
        audit=s.audit,
        module=modules[1],
    )
    audit_services.gap_sheet_save(finding=s.finding, by=by, observed=f"Écart observé {marker}")
    s.self_assessment = audit_services.audit_create(
        entity=entity,
        kind=Audit.Kind.SELF_ASSESSMENT,
        title=f"Auto-évaluation {marker}",
        referential=referential,
        start_on=dt.date(year, 9, 1),
        end_on=dt.date(year, 9, 30),
        modules=[modules[1]],
        by=by,
    )
    s.audit_attachment = _attach(s.audit, by, f"audit-{marker}.pdf")

    # surveys
    s.campaign = Campaign.objects.create(
        department=department,
        year=year,
        name=f"Enquête {dmarker}",
        population=Campaign.Population.USERS,
        status=Campaign.Status.PUBLISHED,
        starts_on=dt.date(year, 5, 1),
        ends_on=dt.date(year, 6, 30),
    )
    criterion = Criterion.objects.create(campaign=s.campaign, code="courtoisie", label="Accueil courtois")
    s.unit = SurveyUnit.objects.create(
        campaign=s.campaign, site=site, code=f"unite-{site.code}", name=f"Unité {marker}"
    )
    Result.objects.create(unit=s.unit, criterion=criterion, rate=Decimal("80"))

    # complaints
    s.request = correspondence_create(
        site=site,
        by=by,
        received_on=dt.date(year, 3, 2),
        kind=Kind.COMPLAINT,
        subject=f"Réclamation {marker}",
        description=f"Texte confidentiel {marker}",
        requester_name=f"Requérant {marker}",
        requester_contact=f"requerant.{marker.lower()}@example.org",
    )
    s.request_attachment = _attach(s.request, by, f"reclamation-{marker}.pdf")
    s.model_answer = ModelAnswer.objects.create(
        department=department, topic="Accueil", title=f"Modèle {dmarker}", body=f"Réponse {dmarker}"
    )

    # action plans
    s.action_plan = ActionPlan.objects.create(entity=entity, year=year, title=f"Plan {marker}")
    s.action = action_services.action_create(
        by=by,
        entity=entity,
        title=f"Action {marker}",
        owner=by,
        due_on=dt.date(year, 12, 31),
        plan=s.action_plan,
        sites=[site],
    )

    # indicators
    s.indicator = Indicator.objects.create(
        department=department,
        code=f"indicateur-{dmarker.lower()}",
        name=f"Indicateur {dmarker}",
        unit=Indicator.Unit.PERCENT,
        direction=Indicator.Direction.HIGHER,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
    )
    s.department_indicator = computed_indicator(
        department, "crisis_exercises", code=f"exercices-{dmarker.lower()}", name=f"Exercices {dmarker}"
    )
    s.target = Target.objects.create(indicator=s.indicator, entity=entity, year=year, value=Decimal("80"))
    s.measurement, _ = measurement_record(
        indicator=s.indicator,
        site=site,
        period=dt.date(year, 3, 1),
        value=Decimal("75"),
        source=Measurement.Source.FORM,
        comment=f"Mesure {marker}",
        by=by,
    )
    s.api_client, s.api_token = api_client_create(
        department=department, name=f"Client {dmarker}", sites=[site], by=by
    )

    # steering
    s.committee = Committee.objects.create(
        department=department, name=f"Comité {dmarker}", kind=Committee.Kind.STEERING
    )
    s.member = steering_services.member_add(committee=s.committee, by=by, name=f"Membre {dmarker}")
    s.meeting = Meeting.objects.create(
        department=department, committee=s.committee, held_on=dt.date(year, 4, 2), title=f"Réunion {dmarker}"
    )
    s.decision = Decision.objects.create(department=department, meeting=s.meeting, text=f"Décision {dmarker}")
    s.meeting_attachment = _attach(s.meeting, by, f"reunion-{dmarker}.pdf")
    s.deadline = Deadline.objects.create(
        department=department,
        entity=entity,
        site=site,
        title=f"Échéance {marker}",
        kind=Deadline.Kind.COPIL,
        frequency=Deadline.Frequency.MONTHLY,
        starts_on=dt.date(year, 1, 12),
    )
    s.document = Document.objects.create(
        department=department, entity=entity, title=f"Procédure {marker}", kind=Document.Kind.PROCEDURE
    )
    s.version = steering_services.document_version_add(
        document=s.document,
        label="v1",
        issued_on=dt.date(year, 2, 1),
        upload=SimpleUploadedFile(f"procedure-{marker}.pdf", b"%PDF-1.4 procedure\n", "application/pdf"),
        by=by,
    )
    s.agent = Agent.objects.create(site=site, last_name=f"Agent{marker}", first_name="Camille")
    s.training = steering_services.training_add(
        agent=s.agent, topic="reception", trained_on=dt.date(year, 3, 10), by=by
    )
    s.registers = {
        "communiques": PressRelease.objects.create(
            department=department, issued_on=dt.date(year, 8, 10), event=f"Crue {dmarker}", channel="Twitter"
        ),
        "exercices": CrisisExercise.objects.create(
            department=department, held_on=dt.date(year, 3, 26), scenario=f"Scénario {dmarker}"
        ),
        "lettres": Newsletter.objects.create(
            department=department, title=f"Lettre {dmarker}", number=1, published_on=dt.date(year, 5, 1)
        ),
        "reseaux-sociaux": SocialMediaCount.objects.create(
            department=department, month=dt.date(year, 5, 1), posts=12
        ),
        "evenements": LabelEvent.objects.create(
            department=department,
            happened_on=dt.date(year, 11, 27),
            kind="other",
            title=f"Événement {dmarker}",
        ),
    }

    # reports
    s.report_run = ReportRun.objects.create(
        department=department,
        kind="annual",
        params={"year": year},
        requested_by=by,
        status=ReportRun.Status.DONE,
        file=ContentFile(b"%PDF-1.4 report\n", name=f"rapport-{dmarker}.pdf"),
        filename=f"rapport-{dmarker}.pdf",
    )

    # accounts: a pending invitation and a member of the département's team
    s.invitation = account_services.invitation_create(
        email=f"invitation-{site.code}@exemple.gouv.fr",
        role=Role.AGENT,
        department=department,
        site=site,
        by=by,
    )
    s.team_member = User.objects.create_user(
        username=f"membre-{site.code}", email=f"membre-{site.code}@exemple.gouv.fr", first_name="Dominique"
    )
    Membership.objects.create(
        user=s.team_member, role=Role.AGENT, department=department, entity=entity, site=site
    )

    # publication
    s.snapshot = publication_services.snapshot_prepare(
        site=site,
        start=dt.date(year, 1, 1),
        end=dt.date(year, 12, 31),
        families=[code for code, _ in collect.FAMILIES],
        campaign=s.campaign,
        by=by,
    )
    return s
