"""Audits of every kind (internal, external labelling, follow-up, renewal, self-assessment), their plan,
their findings with gap sheets, and the self-assessment checklist.

Général findings (for the whole département, not one entity) are `Finding` rows with a département and
no entity: `visible(user, Finding.objects)` shows them to everyone who reads the département.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from qualipref.bounds import plausible_date
from qualipref.workflow import Workflow
from sites.scoped import EntityScopedModel

ERR_END_BEFORE_START = "La date de fin ne peut pas précéder la date de début."
ERR_HEADCOUNT = "L'effectif dans le périmètre ne peut pas dépasser l'effectif de l'entité."


def is_nonconformity(finding_type) -> bool:
    """Non-conformities (minor, major) get a gap sheet; the referential names them `*_nonconformity`."""
    return finding_type is not None and finding_type.code.endswith("nonconformity")


class Audit(EntityScopedModel):
    class Kind(models.TextChoices):
        INTERNAL = "internal", "Audit interne"
        EXTERNAL = "external", "Audit externe de labellisation"
        FOLLOW_UP = "follow_up", "Audit de suivi"
        RENEWAL = "renewal", "Audit de renouvellement"
        SELF_ASSESSMENT = "self_assessment", "Auto-évaluation"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planifié"
        IN_PROGRESS = "in_progress", "En cours"
        REPORT_ISSUED = "report_issued", "Rapport remis"
        CLOSED = "closed", "Clôturé"

    WORKFLOW = Workflow(
        {
            Status.PLANNED: {Status.IN_PROGRESS},
            Status.IN_PROGRESS: {Status.REPORT_ISSUED, Status.PLANNED},
            Status.REPORT_ISSUED: {Status.CLOSED, Status.IN_PROGRESS},
            Status.CLOSED: {Status.REPORT_ISSUED},
        },
        dict(Status.choices),
    )
    STATUS_BADGES = {
        Status.PLANNED: "secondary",
        Status.IN_PROGRESS: "primary",
        Status.REPORT_ISSUED: "info",
        Status.CLOSED: "success",
    }
    OPEN_STATUSES = (Status.PLANNED, Status.IN_PROGRESS)

    kind = models.CharField("type d'audit", max_length=20, choices=Kind.choices)
    title = models.CharField("intitulé", max_length=200)
    status = models.CharField("statut", max_length=20, choices=Status.choices, default=Status.PLANNED)
    referential = models.ForeignKey(
        "referential.Referential", on_delete=models.PROTECT, related_name="audits", verbose_name="référentiel"
    )
    sites = models.ManyToManyField(
        "sites.Site", related_name="audits", verbose_name="sites audités", blank=True
    )
    reception_points = models.ManyToManyField(
        "sites.ReceptionPoint", related_name="audits", verbose_name="points d'accueil audités", blank=True
    )
    modules = models.ManyToManyField(
        "referential.Module",
        related_name="audits",
        verbose_name="modules audités",
        help_text="Modules du périmètre de labellisation de l'entité.",
    )
    start_on = models.DateField("début", validators=[plausible_date])
    end_on = models.DateField("fin", validators=[plausible_date])
    auditors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="assigned_audits",
        verbose_name="auditeurs internes",
        blank=True,
        help_text="Seuls les auditeurs désignés ici peuvent saisir les constats de cet audit.",
    )
    external_body = models.CharField(
        "organisme externe", max_length=150, blank=True, help_text="Par exemple AFNOR Certification."
    )
    external_auditors = models.CharField("auditeurs externes", max_length=300, blank=True)
    headcount_total = models.PositiveIntegerField("effectif de l'entité", null=True, blank=True)
    headcount_in_scope = models.PositiveIntegerField("effectif dans le périmètre", null=True, blank=True)
    evaluation = models.TextField("évaluation", blank=True)
    closing_minutes = models.TextField("compte rendu de la réunion de clôture", blank=True)
    documents_received = models.TextField(
        "documents transmis par le site",
        blank=True,
        help_text="Documents envoyés par le site environ un mois avant l'audit.",
    )
    status_changed_at = models.DateTimeField("statut modifié le", null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="statut modifié par",
    )

    class Meta:
        verbose_name = "audit"
        verbose_name_plural = "audits"
        ordering = ["-start_on", "entity__order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__gte=F("start_on")),
                name="audit_end_not_before_start",
                violation_error_message=ERR_END_BEFORE_START,
            ),
            models.CheckConstraint(
                condition=Q(headcount_in_scope__isnull=True)
                | Q(headcount_total__isnull=True)
                | Q(headcount_in_scope__lte=F("headcount_total")),
                name="audit_headcount_in_scope_within_total",
                violation_error_message=ERR_HEADCOUNT,
            ),
        ]
        indexes = [
            # audit list and "audits of the year" selectors: entity + date range
            models.Index(fields=["entity", "start_on"], name="audit_entity_start_idx"),
            # self-assessments due (reminders, readiness): kind + status + end date
            models.Index(fields=["kind", "status", "end_on"], name="audit_kind_status_end_idx"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.start_on and self.end_on and self.end_on < self.start_on:
            errors["end_on"] = ERR_END_BEFORE_START
        if (
            self.headcount_total is not None
            and self.headcount_in_scope is not None
            and self.headcount_in_scope > self.headcount_total
        ):
            errors["headcount_in_scope"] = ERR_HEADCOUNT
        if errors:
            raise ValidationError(errors)

    def get_absolute_url(self):
        return reverse("audits:audit_detail", args=[self.pk])

    @property
    def badge(self):
        return self.STATUS_BADGES[self.status]

    @property
    def documents_due_on(self):
        """The site sends its documents about a month before the audit."""
        return self.start_on - dt.timedelta(days=30)

    @property
    def is_self_assessment(self):
        return self.kind == self.Kind.SELF_ASSESSMENT

    @property
    def is_open(self):
        """Planned or in progress: its grid and findings are still being written."""
        return self.status in self.OPEN_STATUSES

    @property
    def auditors_label(self):
        names = [str(u) for u in self.auditors.all()]
        if self.external_body:
            external = self.external_body + (f" ({self.external_auditors})" if self.external_auditors else "")
            names.append(external)
        return ", ".join(names)


class AuditPlanLine(models.Model):
    """One slot of the audit plan: when, where, who is met, about what."""

    audit = models.ForeignKey(
        Audit, on_delete=models.CASCADE, related_name="plan_lines", verbose_name="audit"
    )
    date = models.DateField("date")
    time = models.TimeField("heure", null=True, blank=True)
    place = models.CharField("lieu", max_length=200)
    people_met = models.CharField("personnes rencontrées", max_length=300, blank=True)
    topic = models.CharField("objet", max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "ligne du plan d'audit"
        verbose_name_plural = "plan d'audit"
        ordering = ["audit", "date", "time", "pk"]

    def __str__(self):
        return f"{self.date} {self.time or ''} · {self.place}"


DUPLICATE_FINDING = "Ce constat est déjà enregistré dans cet audit (même type, même intitulé, même site)."


class Finding(EntityScopedModel):
    """A finding (constat) of an audit, or a général finding of the département (no audit, no entity)."""

    class Status(models.TextChoices):
        OPEN = "open", "Ouvert"
        ACTION_PLANNED = "action_planned", "Action planifiée"
        ACTION_DONE = "action_done", "Action réalisée"
        VERIFIED_CLOSED = "verified_closed", "Vérifié et clos"

    WORKFLOW = Workflow(
        {
            Status.OPEN: {Status.ACTION_PLANNED, Status.VERIFIED_CLOSED},
            Status.ACTION_PLANNED: {Status.ACTION_DONE, Status.OPEN},
            Status.ACTION_DONE: {Status.VERIFIED_CLOSED, Status.ACTION_PLANNED},
            Status.VERIFIED_CLOSED: {Status.OPEN},
        },
        dict(Status.choices),
    )
    STATUS_BADGES = {
        Status.OPEN: "warning",
        Status.ACTION_PLANNED: "primary",
        Status.ACTION_DONE: "info",
        Status.VERIFIED_CLOSED: "success",
    }

    # Overrides the base's required entity: a général finding belongs to the département only.
    entity = models.ForeignKey(
        "sites.Entity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name="entité",
        help_text="Vide : constat général pour tout le département.",
    )
    department = models.ForeignKey(
        "sites.Department", on_delete=models.PROTECT, related_name="findings", verbose_name="département"
    )
    audit = models.ForeignKey(
        Audit, on_delete=models.CASCADE, null=True, blank=True, related_name="findings", verbose_name="audit"
    )
    site = models.ForeignKey(
        "sites.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name="site",
        help_text="Vide : le constat vaut pour toute l'entité.",
    )
    finding_type = models.ForeignKey(
        "referential.FindingType", on_delete=models.PROTECT, related_name="findings", verbose_name="type"
    )
    module = models.ForeignKey(
        "referential.Module",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name="module",
    )
    engagement = models.ForeignKey(
        "referential.Engagement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name="engagement",
    )
    criterion = models.ForeignKey(
        "referential.Criterion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name="critère",
    )
    number = models.PositiveIntegerField("numéro", default=0)
    title = models.CharField("intitulé", max_length=300)
    description = models.TextField("description", blank=True)
    observed_on = models.DateField("constaté le", validators=[plausible_date])
    status = models.CharField("statut", max_length=20, choices=Status.choices, default=Status.OPEN)
    verification_note = models.TextField("note de vérification", blank=True)
    verified_on = models.DateField("vérifié le", null=True, blank=True, validators=[plausible_date])
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="vérifié par",
    )
    status_changed_at = models.DateTimeField("statut modifié le", null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="statut modifié par",
    )

    # An audit's finding belongs to its entity; a général finding (no entity) to its département.
    scope_path = ("department", "entity")

    class Meta:
        verbose_name = "constat"
        verbose_name_plural = "constats"
        ordering = ["audit", "finding_type__order", "number", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(audit__isnull=True) | Q(entity__isnull=False),
                name="finding_of_audit_has_entity",
            ),
            models.CheckConstraint(
                condition=Q(site__isnull=True) | Q(entity__isnull=False),
                name="finding_site_requires_entity",
            ),
            models.CheckConstraint(
                condition=~Q(status="verified_closed") | Q(verified_on__isnull=False),
                name="finding_closed_has_verification_date",
            ),
            # An audit's finding identifies itself by its type, title and site: a double-submitted form or
            # a second import of the same rows cannot create it twice (two constraints: NULL sites differ).
            models.UniqueConstraint(
                fields=["audit", "finding_type", "title", "site"],
                condition=Q(audit__isnull=False, site__isnull=False),
                name="finding_unique_in_audit_on_site",
                violation_error_message=DUPLICATE_FINDING,
            ),
            models.UniqueConstraint(
                fields=["audit", "finding_type", "title"],
                condition=Q(audit__isnull=False, site__isnull=True),
                name="finding_unique_in_audit",
                violation_error_message=DUPLICATE_FINDING,
            ),
        ]
        indexes = [
            # readiness and counts: open findings per entity and type
            models.Index(fields=["entity", "status", "finding_type"], name="finding_entity_status_idx"),
            # annual figures: findings observed in a year per département
            models.Index(fields=["department", "observed_on"], name="finding_dept_observed_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("audits:finding_detail", args=[self.pk])

    @property
    def badge(self):
        return self.STATUS_BADGES[self.status]

    @property
    def is_nonconformity(self):
        return is_nonconformity(self.finding_type)

    @property
    def is_general(self):
        return self.entity_id is None

    @property
    def reference(self):
        return self.criterion or self.engagement or self.module


class GapSheet(models.Model):
    """The gap sheet (fiche d'écart) of a non-conformity, as in the ministry's internal-audit report."""

    finding = models.OneToOneField(
        Finding, on_delete=models.CASCADE, primary_key=True, related_name="gap_sheet", verbose_name="constat"
    )
    observed = models.TextField("constat (ce qui a été observé)")
    requirement = models.TextField("exigence du référentiel", blank=True)
    cause_analysis = models.TextField("analyse des causes", blank=True)
    correction = models.TextField("correction immédiate", blank=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "fiche d'écart"
        verbose_name_plural = "fiches d'écart"

    def __str__(self):
        return f"Fiche d'écart · {self.finding}"


class SelfAssessmentRow(models.Model):
    """One line of a self-assessment checklist: a criterion (or an engagement without criteria)."""

    class Answer(models.TextChoices):
        COMPLIANT = "compliant", "Conforme"
        PARTLY = "partly", "Partiellement conforme"
        NOT_COMPLIANT = "not_compliant", "Non conforme"
        NOT_APPLICABLE = "not_applicable", "Non applicable"

    ANSWER_BADGES = {
        Answer.COMPLIANT: "success",
        Answer.PARTLY: "warning",
        Answer.NOT_COMPLIANT: "danger",
        Answer.NOT_APPLICABLE: "secondary",
    }

    audit = models.ForeignKey(
        Audit, on_delete=models.CASCADE, related_name="checklist_rows", verbose_name="auto-évaluation"
    )
    engagement = models.ForeignKey(
        "referential.Engagement", on_delete=models.PROTECT, related_name="+", verbose_name="engagement"
    )
    criterion = models.ForeignKey(
        "referential.Criterion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="critère",
    )
    order = models.PositiveIntegerField("ordre", default=0)
    answer = models.CharField("évaluation", max_length=20, choices=Answer.choices, blank=True)
    comment = models.TextField("commentaire", blank=True)
    evidence = models.TextField(
        "preuves", blank=True, help_text="Ce qui a été vérifié : document, photo, relevé…"
    )
    finding = models.OneToOneField(
        Finding,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="checklist_row",
        verbose_name="constat créé",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "ligne d'auto-évaluation"
        verbose_name_plural = "lignes d'auto-évaluation"
        ordering = ["audit", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["audit", "engagement", "criterion"],
                name="checklist_row_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self):
        return str(self.criterion or self.engagement)

    @property
    def badge(self):
        return self.ANSWER_BADGES.get(self.answer, "light")

    @property
    def item_code(self):
        return self.criterion.code if self.criterion_id else self.engagement.code

    @property
    def item_text(self):
        return self.criterion.text if self.criterion_id else self.engagement.title
