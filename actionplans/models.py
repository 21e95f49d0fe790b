"""Action plans (one per entity and year) and improvement actions, each linked to where it came from.

An action's origin is an explicit nullable foreign key per kind of source (audit finding, audit or
self-assessment, survey unit, survey point, complaint, steering decision), with a check constraint that
at most one is set and that `origin_kind` names the one that is. Free text completes or replaces it.
"""

from itertools import combinations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from qualipref.workflow import Workflow
from sites.scoped import EntityScopedModel

ERR_DUE_BEFORE_START = "L'échéance ne peut pas précéder la date de début."
DUPLICATE_ACTION = "Cette action est déjà enregistrée dans ce plan (même intitulé, même échéance)."
ERR_DONE_WITHOUT_DATE = "Indiquez la date de réalisation pour passer l'action à « Réalisée »."
ERR_VERIFIED_WITHOUT_NOTE = (
    "Indiquez une note de vérification (ce qui a été constaté) pour vérifier l'action."
)
ERR_CANCEL_WITHOUT_REASON = "Indiquez le motif de l'annulation."
ERR_COMPLETED_IN_FUTURE = "La date de réalisation ne peut pas être dans le futur."
ERR_COMPLETED_BEFORE_START = "La date de réalisation ne peut pas précéder la date de début."
ERR_PROGRESS_RANGE = "L'avancement est un pourcentage entre 0 et 100."
ERR_APPROVED_WITHOUT_DATE = "Indiquez la date d'approbation du plan par le comité de pilotage."
ERR_ORIGIN_OTHER_ENTITY = (
    "L'origine choisie appartient à une autre entité que l'action : choisissez une origine de « {entity} »."
)
ERR_ORIGIN_OTHER_DEPARTMENT = "L'origine choisie appartient à un autre département que l'action."
ERR_ORIGIN_MISSING = "Choisissez l'élément d'origine (ou changez le type d'origine)."
ERR_SITE_OTHER_ENTITY = "Le site « {site} » n'appartient pas à l'entité de l'action."
ERR_PLAN_OTHER_ENTITY = "Le plan choisi appartient à une autre entité que l'action."
ERR_ENGAGEMENT_MODULE = "L'engagement choisi n'appartient pas au module choisi."

# Origin kind → the foreign key that holds it. The order is the order of the choices.
ORIGIN_FIELDS = {
    "finding": "origin_finding",
    "audit": "origin_audit",
    "survey_unit": "origin_survey_unit",
    "survey_point": "origin_survey_point",
    "request": "origin_correspondence",
    "decision": "origin_decision",
}


class ActionPlan(EntityScopedModel):
    """The action plan of one entity for one year: drafted, approved by the COPIL, then closed.

    The outlook for year Y+1 (section V of the annual report) is the plan of year Y+1, drafted during Y.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "En préparation"
        APPROVED = "approved", "Approuvé"
        CLOSED = "closed", "Clôturé"

    WORKFLOW = Workflow(
        {
            Status.DRAFT: {Status.APPROVED},
            Status.APPROVED: {Status.CLOSED, Status.DRAFT},
            Status.CLOSED: {Status.APPROVED},
        },
        dict(Status.choices),
    )
    STATUS_BADGES = {Status.DRAFT: "secondary", Status.APPROVED: "primary", Status.CLOSED: "success"}

    year = models.PositiveSmallIntegerField("année")
    title = models.CharField("intitulé", max_length=200, blank=True)
    status = models.CharField("statut", max_length=20, choices=Status.choices, default=Status.DRAFT)
    approved_on = models.DateField("approuvé le", null=True, blank=True)
    approved_by_committee = models.CharField(
        "approuvé par",
        max_length=200,
        blank=True,
        help_text="Par exemple : comité de pilotage qualité du 12 janvier.",
    )
    closed_on = models.DateField("clôturé le", null=True, blank=True)
    notes = models.TextField("remarques", blank=True)
    status_changed_at = models.DateTimeField("statut modifié le", null=True, blank=True, editable=False)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name="statut modifié par",
    )

    class Meta:
        verbose_name = "plan d'actions"
        verbose_name_plural = "plans d'actions"
        ordering = ["-year", "entity__order", "entity__name"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "year"], name="action_plan_one_per_entity_year"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(approved_on__isnull=False),
                name="action_plan_approved_has_date",
                violation_error_message=ERR_APPROVED_WITHOUT_DATE,
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="action_plan_year_plausible"
            ),
        ]

    def __str__(self):
        return f"Plan d'actions {self.year} – {self.entity}"

    def get_absolute_url(self):
        return reverse("actionplans:plan_detail", args=[self.pk])

    @property
    def badge(self):
        return self.STATUS_BADGES.get(self.status, "secondary")


class ActionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=Action.OPEN_STATUSES)

    def followed(self):
        """Open actions of plans still running: a closed plan's leftovers are archived (no reminders)."""
        return self.open().exclude(plan__status=ActionPlan.Status.CLOSED)

    def overdue(self, today=None):
        return self.followed().filter(due_on__lt=today or timezone.localdate())


def _origin_constraints():
    fields = list(ORIGIN_FIELDS.values())
    pairs = Q()
    for a, b in combinations(fields, 2):
        pairs |= Q(**{f"{a}__isnull": False, f"{b}__isnull": False})
    constraints = []
    if len(fields) > 1:
        constraints.append(models.CheckConstraint(condition=~pairs, name="action_at_most_one_origin"))
    for kind, field in ORIGIN_FIELDS.items():
        # The link set ⇔ the kind says so.
        constraints.append(
            models.CheckConstraint(
                condition=(Q(**{f"{field}__isnull": True}) & ~Q(origin_kind=kind))
                | Q(**{f"{field}__isnull": False}, origin_kind=kind),
                name=f"action_origin_{kind}_matches_kind",
            )
        )
    return constraints


class Action(EntityScopedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planifiée"
        IN_PROGRESS = "in_progress", "En cours"
        DONE = "done", "Réalisée"
        VERIFIED = "verified", "Vérifiée"
        CANCELLED = "cancelled", "Annulée"

    class Category(models.TextChoices):
        IMPROVEMENT = "improvement", "Prise en compte des évaluations"
        COMPLIANCE = "compliance", "Mise en conformité"
        COMMUNICATION = "communication", "Communication"

    class OriginKind(models.TextChoices):
        FINDING = "finding", "Constat d'audit"
        AUDIT = "audit", "Audit ou auto-évaluation"
        SURVEY_UNIT = "survey_unit", "Résultats d'enquête (unité)"
        SURVEY_POINT = "survey_point", "Point de vigilance d'enquête"
        REQUEST = "request", "Réclamation"
        DECISION = "decision", "Décision du comité de pilotage"
        FREE_TEXT = "free_text", "Texte libre"

    WORKFLOW = Workflow(
        {
            Status.PLANNED: {Status.IN_PROGRESS, Status.DONE, Status.CANCELLED},
            Status.IN_PROGRESS: {Status.DONE, Status.PLANNED, Status.CANCELLED},
            Status.DONE: {Status.VERIFIED, Status.IN_PROGRESS},
            Status.VERIFIED: {Status.DONE},
            Status.CANCELLED: {Status.PLANNED},
        },
        dict(Status.choices),
    )
    OPEN_STATUSES = (Status.PLANNED, Status.IN_PROGRESS)
    DONE_STATUSES = (Status.DONE, Status.VERIFIED)
    STATUS_BADGES = {
        Status.PLANNED: "secondary",
        Status.IN_PROGRESS: "primary",
        Status.DONE: "success",
        Status.VERIFIED: "success",
        Status.CANCELLED: "dark",
    }

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.PROTECT, related_name="actions", verbose_name="plan"
    )
    title = models.CharField("intitulé", max_length=300)
    description = models.TextField("description", blank=True)
    sites = models.ManyToManyField(
        "sites.Site",
        blank=True,
        related_name="actions",
        verbose_name="sites",
        help_text="Aucun site choisi : l'action vaut pour tous les sites de l'entité.",
    )
    category = models.CharField(
        "rubrique", max_length=20, choices=Category.choices, default=Category.IMPROVEMENT
    )
    module = models.ForeignKey(
        "referential.Module",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name="module",
    )
    engagement = models.ForeignKey(
        "referential.Engagement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name="engagement",
    )
    origin_kind = models.CharField(
        "type d'origine", max_length=20, choices=OriginKind.choices, default=OriginKind.FREE_TEXT
    )
    origin_finding = models.ForeignKey(
        "audits.Finding",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name="constat d'origine",
    )
    origin_audit = models.ForeignKey(
        "audits.Audit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name="audit ou auto-évaluation d'origine",
    )
    origin_survey_unit = models.ForeignKey(
        "surveys.SurveyUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name="unité enquêtée d'origine",
    )
    origin_survey_point = models.ForeignKey(
        "surveys.UnitPoint",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name="point de vigilance d'origine",
    )
    origin_correspondence = models.ForeignKey(
        "complaints.Correspondence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name="réclamation d'origine",
    )
    origin_decision = models.ForeignKey(
        "steering.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name="décision d'origine",
    )
    origin_text = models.CharField(
        "origine (précision)",
        max_length=300,
        blank=True,
        help_text="Par exemple : suite à l'analyse des enquêtes de satisfaction et des audits.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_actions",
        verbose_name="pilote",
    )
    contributors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="contributed_actions", verbose_name="contributeurs"
    )
    start_on = models.DateField("début", null=True, blank=True)
    due_on = models.DateField("échéance")
    status = models.CharField("statut", max_length=20, choices=Status.choices, default=Status.PLANNED)
    progress = models.PositiveSmallIntegerField(
        "avancement (%)", default=0, validators=[MaxValueValidator(100, ERR_PROGRESS_RANGE)]
    )
    completed_on = models.DateField("réalisée le", null=True, blank=True)
    verification_note = models.TextField("note de vérification", blank=True)
    verified_on = models.DateField("vérifiée le", null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="vérifiée par",
    )
    cancel_reason = models.CharField("motif d'annulation", max_length=300, blank=True)
    status_changed_at = models.DateTimeField("statut modifié le", null=True, blank=True, editable=False)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name="statut modifié par",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name="créée par",
    )

    objects = ActionQuerySet.as_manager()
    # Also written by who writes every site the action names (a referent manages their site's actions).
    scope_sites = "sites"

    class Meta:
        verbose_name = "action"
        verbose_name_plural = "actions"
        ordering = ["due_on", "pk"]
        constraints = [
            # An action identifies itself in its plan by its title and due date: a double-submitted form or
            # a second import of the same rows cannot create it twice.
            models.UniqueConstraint(
                fields=["plan", "title", "due_on"],
                name="action_unique_in_plan",
                violation_error_message=DUPLICATE_ACTION,
            ),
            models.CheckConstraint(
                condition=Q(start_on__isnull=True) | Q(due_on__gte=F("start_on")),
                name="action_due_after_start",
                violation_error_message=ERR_DUE_BEFORE_START,
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="action_progress_0_100"),
            models.CheckConstraint(
                condition=~Q(status__in=["done", "verified"]) | Q(completed_on__isnull=False),
                name="action_done_has_completion_date",
                violation_error_message=ERR_DONE_WITHOUT_DATE,
            ),
            models.CheckConstraint(
                condition=~Q(status="verified") | ~Q(verification_note=""),
                name="action_verified_has_note",
                violation_error_message=ERR_VERIFIED_WITHOUT_NOTE,
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                name="action_cancelled_has_reason",
                violation_error_message=ERR_CANCEL_WITHOUT_REASON,
            ),
            *_origin_constraints(),
        ]
        indexes = [
            # the reminder sweep and "overdue" filters: open actions by due date
            models.Index(fields=["status", "due_on"], name="action_status_due"),
            # "my actions"
            models.Index(fields=["owner", "status"], name="action_owner_status"),
            # figures of a year: actions completed in a date range
            models.Index(fields=["completed_on"], name="action_completed_on"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("actionplans:action_detail", args=[self.pk])

    @property
    def badge(self):
        return self.badge_on(timezone.localdate())

    def badge_on(self, today) -> str:
        if self.is_overdue_on(today):
            return "danger"
        return self.STATUS_BADGES.get(self.status, "secondary")

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    @property
    def is_followed(self):
        """Open, in a plan that is not closed (reads `plan`: select it with the action in lists)."""
        return self.is_open and self.plan.status != ActionPlan.Status.CLOSED

    @property
    def is_overdue(self):
        return self.is_overdue_on(timezone.localdate())

    def is_overdue_on(self, today) -> bool:
        return self.is_followed and self.due_on < today

    @property
    def is_due_soon(self):
        return self.is_due_soon_on(timezone.localdate())

    def is_due_soon_on(self, today) -> bool:
        return self.is_followed and today <= self.due_on <= today + timezone.timedelta(days=7)

    @property
    def done_on_time(self):
        return self.completed_on is not None and self.completed_on <= self.due_on

    @property
    def origin(self):
        """The source object (a finding, a survey unit…) or None (free text)."""
        field = ORIGIN_FIELDS.get(self.origin_kind)
        return getattr(self, field) if field else None


class ActionComment(models.Model):
    """A comment on an action (reached through its action, which carries the scope)."""

    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="comments", verbose_name="action"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="auteur",
    )
    text = models.TextField("commentaire")
    created_at = models.DateTimeField("écrit le", auto_now_add=True)

    class Meta:
        verbose_name = "commentaire"
        verbose_name_plural = "commentaires"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text[:60]
