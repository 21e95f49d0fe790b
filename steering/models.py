"""Steering of the label: committees, meetings and decisions; the calendar of deadlines; internal
documents; reception agents and their trainings; the module registers (press releases, exercises,
communication) and the label's events.

Rows that may belong to a whole département or only to one entity or site (deadlines, documents)
inherit `DepartmentScopedModel` and narrow it with optional `entity` / `site`: access follows the
narrowest one (their `scope_path`, read by `sites.access`).
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from qualipref.models import TimeStampedModel
from qualipref.workflow import Workflow
from sites.scoped import DepartmentScopedModel, SiteScopedModel

MEETING_FUTURE_MINUTES = (
    "Le compte rendu ne peut être saisi que pour une réunion tenue : la date de la réunion est à venir."
)
TRAINING_IN_FUTURE = "La date de formation ne peut pas être dans le futur : saisissez une formation suivie."
SITE_NOT_IN_ENTITY = "Ce site n'appartient pas à l'entité choisie."
ENTITY_NOT_IN_DEPARTMENT = "Cette entité n'appartient pas au département."
PERIOD_BEFORE_START = "La fin de la période doit être postérieure ou égale à la date de début."
UNTIL_BEFORE_START = "La date de fin de répétition doit être postérieure à la première occurrence."
ENGAGEMENT_NOT_IN_MODULE = "Cet engagement n'appartient pas au module choisi."


def _check_narrowing(obj):
    errors = {}
    if obj.site_id and not obj.entity_id:
        obj.entity_id = obj.site.entity_id
    if obj.site_id and obj.site.entity_id != obj.entity_id:
        errors["site"] = SITE_NOT_IN_ENTITY
    if obj.entity_id and obj.department_id and obj.entity.department_id != obj.department_id:
        errors["entity"] = ENTITY_NOT_IN_DEPARTMENT
    return errors


# ---- committees --------------------------------------------------------------------------------------


class Committee(DepartmentScopedModel):
    class Kind(models.TextChoices):
        STEERING = "steering", "Comité de pilotage"
        USERS = "users", "Comité local des usagers"
        WORKING_GROUP = "working_group", "Groupe de travail"

    name = models.CharField("nom", max_length=150)
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    description = models.TextField("objet", blank=True)
    frequency = models.CharField(
        "rythme", max_length=100, blank=True, help_text="Par exemple : mensuel, annuel (en avril)."
    )
    active = models.BooleanField("actif", default=True)

    class Meta:
        verbose_name = "comité"
        verbose_name_plural = "comités"
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "name"], name="committee_name_unique_in_department"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("steering:committee_detail", args=[self.pk])


class CommitteeMember(TimeStampedModel):
    """A member: a user of the application, or an outside person (a users' representative…)."""

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="members", verbose_name="comité"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committee_memberships",
        verbose_name="utilisateur",
    )
    name = models.CharField("nom (personne extérieure)", max_length=150, blank=True)
    organisation = models.CharField("organisme", max_length=150, blank=True)
    role = models.CharField("rôle dans le comité", max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "membre"
        verbose_name_plural = "membres"
        ordering = ["committee", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(name=""), name="committee_member_user_or_name"
            ),
            models.UniqueConstraint(
                fields=["committee", "user"], condition=Q(user__isnull=False), name="committee_member_once"
            ),
        ]

    def __str__(self):
        return self.name or str(self.user)

    @property
    def display_name(self):
        return str(self.user) if self.user_id else self.name


class Meeting(DepartmentScopedModel):
    """A meeting of a committee (its département is the committee's)."""

    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="meetings", verbose_name="comité"
    )
    held_on = models.DateField("date")
    title = models.CharField("intitulé", max_length=200, blank=True)
    location = models.CharField("lieu", max_length=200, blank=True)
    attendees = models.ManyToManyField(
        CommitteeMember, blank=True, related_name="meetings", verbose_name="membres présents"
    )
    other_attendees = models.TextField("autres participants", blank=True, help_text="Un nom par ligne.")
    agenda = models.TextField("ordre du jour", blank=True)
    minutes = models.TextField(
        "compte rendu", blank=True, help_text="Rédigé une fois la réunion tenue (pas pour une date future)."
    )

    class Meta:
        verbose_name = "réunion"
        verbose_name_plural = "réunions"
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "held_on"], name="meeting_once_a_day_per_committee"),
        ]
        indexes = [
            # committees held per year, meetings list by date
            models.Index(fields=["department", "held_on"], name="meeting_department_date"),
        ]

    def __str__(self):
        return self.title or f"{self.committee} du {self.held_on:%d/%m/%Y}"

    def clean(self):
        if self.minutes.strip() and self.held_on and self.held_on > timezone.localdate():
            raise ValidationError({"minutes": MEETING_FUTURE_MINUTES})

    def get_absolute_url(self):
        return reverse("steering:meeting_detail", args=[self.pk])


class Decision(DepartmentScopedModel):
    """A decision taken in a meeting; the action-plans app links actions to it (Action.origin_decision)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="decisions", verbose_name="réunion"
    )
    text = models.TextField("décision")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="steering_decisions",
        verbose_name="porteur",
    )
    due_on = models.DateField("échéance", null=True, blank=True)

    class Meta:
        verbose_name = "décision"
        verbose_name_plural = "décisions"
        ordering = ["meeting", "pk"]

    def __str__(self):
        return self.text[:80]

    def get_absolute_url(self):
        return reverse("steering:decision_detail", args=[self.pk])


# ---- calendar of deadlines ----------------------------------------------------------------------------


class Deadline(DepartmentScopedModel):
    """A one-off or recurring deadline of the label (monthly COPIL, quarterly self-assessment…).

    `starts_on` is the first occurrence; `ends_on`, when set, closes the first occurrence's period
    (a May–June survey: 1 May → 30 June); recurrences repeat both with the frequency until `until`.
    """

    class Kind(models.TextChoices):
        COPIL = "copil", "Comité de pilotage"
        SELF_ASSESSMENT = "self_assessment", "Auto-évaluation"
        USERS_COMMITTEE = "users_committee", "Comité local des usagers"
        SURVEY = "survey", "Enquête de satisfaction"
        RENEWAL_AUDIT = "renewal_audit", "Audit de renouvellement"
        DOCUMENT_REVIEW = "document_review", "Revue documentaire"
        TRAINING_EXPIRY = "training_expiry", "Échéance de formation"
        OTHER = "other", "Autre"

    class Frequency(models.TextChoices):
        ONCE = "once", "Ponctuelle"
        MONTHLY = "monthly", "Mensuelle"
        QUARTERLY = "quarterly", "Trimestrielle"
        YEARLY = "yearly", "Annuelle"

    entity = models.ForeignKey(
        "sites.Entity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name="entité",
        help_text="Laisser vide pour tout le département.",
    )
    site = models.ForeignKey(
        "sites.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name="site",
        help_text="Laisser vide pour toute l'entité ou tout le département.",
    )
    title = models.CharField("intitulé", max_length=200)
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    frequency = models.CharField("périodicité", max_length=10, choices=Frequency.choices)
    starts_on = models.DateField("date (première occurrence)")
    ends_on = models.DateField(
        "fin de la période (première occurrence)",
        null=True,
        blank=True,
        help_text="Pour une période, par exemple une enquête de mai à juin.",
    )
    until = models.DateField("répéter jusqu'au", null=True, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="steering_deadlines",
        verbose_name="responsable",
    )
    remind_days = models.PositiveSmallIntegerField(
        "relance (jours avant)", default=14, help_text="Nombre de jours avant l'échéance pour la relance."
    )
    notes = models.TextField("remarques", blank=True)

    scope_path = DepartmentScopedModel.NARROWED  # the narrowest level set decides (sites.access)

    class Meta:
        verbose_name = "échéance"
        verbose_name_plural = "échéances"
        ordering = ["starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="deadline_period_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("starts_on")),
                name="deadline_until_after_start",
            ),
            models.CheckConstraint(
                condition=Q(site__isnull=True) | Q(entity__isnull=False), name="deadline_site_requires_entity"
            ),
        ]
        indexes = [
            # the reminder sweep and the calendar: deadlines started before a date, not finished
            models.Index(fields=["starts_on", "until"], name="deadline_active"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("steering:deadline_detail", args=[self.pk])

    def clean(self):
        errors = _check_narrowing(self)
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            errors["ends_on"] = PERIOD_BEFORE_START
        if self.until and self.starts_on and self.until < self.starts_on:
            errors["until"] = UNTIL_BEFORE_START
        if errors:
            raise ValidationError(errors)

    @property
    def scope_label(self):
        return str(self.site or self.entity or self.department)

    # Meetings of a committee: their recurrences fall on working days (steering.recurrence).
    MEETING_KINDS = (Kind.COPIL, Kind.USERS_COMMITTEE)

    @property
    def occurrence_rule(self) -> dict:
        """The arguments of `recurrence.occurrences` for this deadline (select its département)."""
        from complaints.deadline_rule import HOLIDAY_SUBDIVISIONS

        return {
            "frequency": self.frequency,
            "starts_on": self.starts_on,
            "ends_on": self.ends_on,
            "until": self.until,
            "working_days": self.kind in self.MEETING_KINDS,
            "subdiv": HOLIDAY_SUBDIVISIONS.get(self.department.code),
        }


class DeadlineCompletion(TimeStampedModel):
    """One occurrence of a deadline marked done (stops its overdue reminder)."""

    deadline = models.ForeignKey(
        Deadline, on_delete=models.CASCADE, related_name="completions", verbose_name="échéance"
    )
    occurrence_on = models.DateField("occurrence du")
    done_on = models.DateField("fait le")
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="par"
    )
    note = models.CharField("remarque", max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "occurrence réalisée"
        verbose_name_plural = "occurrences réalisées"
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "occurrence_on"], name="deadline_occurrence_done_once"
            ),
        ]

    def __str__(self):
        return f"{self.deadline} ({self.occurrence_on:%d/%m/%Y})"


class CalendarFeedToken(TimeStampedModel):
    """The secret of a user's iCalendar feed; regenerating replaces it, revoking deletes it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name="utilisateur",
    )
    token = models.CharField("jeton", max_length=64, unique=True)

    class Meta:
        verbose_name = "abonnement au calendrier"
        verbose_name_plural = "abonnements au calendrier"

    def __str__(self):
        return f"Calendrier de {self.user}"


# ---- internal documents -------------------------------------------------------------------------------


class Document(DepartmentScopedModel):
    class Kind(models.TextChoices):
        REFERENCE = "reference", "Document de référence"
        PROCEDURE = "procedure", "Fiche de procédure"
        GUIDE = "guide", "Guide"
        PLAN = "plan", "Plan"

    class Status(models.TextChoices):
        DRAFT = "draft", "Projet"
        IN_FORCE = "in_force", "En vigueur"
        WITHDRAWN = "withdrawn", "Retiré"

    STATUS_BADGES = {Status.DRAFT: "secondary", Status.IN_FORCE: "success", Status.WITHDRAWN: "light border"}

    WORKFLOW = Workflow(
        {
            Status.DRAFT: {Status.IN_FORCE, Status.WITHDRAWN},
            Status.IN_FORCE: {Status.WITHDRAWN, Status.DRAFT},
            Status.WITHDRAWN: {Status.DRAFT},
        },
        labels=dict(Status.choices),
    )

    entity = models.ForeignKey(
        "sites.Entity", on_delete=models.PROTECT, null=True, blank=True, verbose_name="entité"
    )
    site = models.ForeignKey(
        "sites.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name="site",
        help_text="Pour un document propre à un site (guide d'accueil du site…).",
    )
    reference = models.CharField("référence", max_length=30, blank=True, help_text="Par exemple FP-07.")
    title = models.CharField("titre", max_length=200)
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    module = models.ForeignKey(
        "referential.Module", on_delete=models.PROTECT, null=True, blank=True, verbose_name="module"
    )
    engagement = models.ForeignKey(
        "referential.Engagement", on_delete=models.PROTECT, null=True, blank=True, verbose_name="engagement"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="steering_documents",
        verbose_name="responsable",
    )
    status = models.CharField("statut", max_length=20, choices=Status.choices, default=Status.DRAFT)
    review_on = models.DateField("prochaine revue", null=True, blank=True)
    review_months = models.PositiveSmallIntegerField(
        "périodicité de revue (mois)",
        null=True,
        blank=True,
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="Une revue faite fixe la prochaine à cette distance. Vide : pas de revue périodique.",
    )

    scope_path = DepartmentScopedModel.NARROWED  # the narrowest level set decides (sites.access)

    class Meta:
        verbose_name = "document interne"
        verbose_name_plural = "documents internes"
        ordering = ["kind", "reference", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(site__isnull=True) | Q(entity__isnull=False), name="document_site_requires_entity"
            ),
            models.UniqueConstraint(
                fields=["department", "title"], name="document_title_unique_in_department"
            ),
        ]
        indexes = [
            # the review reminders and the "due for review" register
            models.Index(fields=["review_on"], name="document_review_on"),
        ]

    @property
    def badge(self):
        return self.STATUS_BADGES[self.status]

    def __str__(self):
        return f"{self.reference} – {self.title}" if self.reference else self.title

    def get_absolute_url(self):
        return reverse("steering:document_detail", args=[self.pk])

    def clean(self):
        errors = _check_narrowing(self)
        if self.engagement_id and self.module_id and self.engagement.module_id != self.module_id:
            errors["engagement"] = ENGAGEMENT_NOT_IN_MODULE
        if self.engagement_id and not self.module_id:
            self.module_id = self.engagement.module_id
        if errors:
            raise ValidationError(errors)

    @property
    def scope_label(self):
        return str(self.site or self.entity or self.department)


class DocumentReview(TimeStampedModel):
    """A review of a document recorded as done: when, by whom, and the next review it set."""

    scope_path = tuple(f"document__{level}" for level in DepartmentScopedModel.NARROWED)

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="reviews", verbose_name="document"
    )
    reviewed_on = models.DateField("revue faite le")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="par"
    )
    note = models.CharField("remarque", max_length=255, blank=True)
    next_review_on = models.DateField("prochaine revue fixée au", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "revue de document"
        verbose_name_plural = "revues de documents"
        ordering = ["document", "-reviewed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["document", "reviewed_on"], name="document_review_once_a_day"),
        ]

    def __str__(self):
        return f"Revue de {self.document} ({self.reviewed_on:%d/%m/%Y})"


def _version_upload_to(instance, filename):
    # a random name: the original name is kept apart and never used as a path
    return f"steering/documents/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class DocumentVersion(TimeStampedModel):
    scope_path = tuple(f"document__{level}" for level in DepartmentScopedModel.NARROWED)

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="versions", verbose_name="document"
    )
    label = models.CharField("version", max_length=20)
    issued_on = models.DateField("date")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="auteur",
    )
    file = models.FileField("fichier", upload_to=_version_upload_to)
    original_name = models.CharField("nom du fichier", max_length=255, blank=True)
    changes = models.CharField("modifications", max_length=255, blank=True)
    is_current = models.BooleanField("version en vigueur", default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "version"
        verbose_name_plural = "versions"
        ordering = ["document", "-issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["document"], condition=Q(is_current=True), name="document_one_current_version"
            ),
            models.UniqueConstraint(fields=["document", "label"], name="document_version_label_unique"),
            models.CheckConstraint(condition=~Q(file=""), name="document_version_has_file"),
        ]
        indexes = [
            # documents written or revised in a year
            models.Index(fields=["issued_on"], name="document_version_issued_on"),
        ]

    def __str__(self):
        return f"{self.document} v{self.label}"


# ---- agents and trainings -----------------------------------------------------------------------------


class Agent(SiteScopedModel):
    """A member of staff (with or without a login) whose trainings are tracked."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_record",
        verbose_name="compte utilisateur",
    )
    last_name = models.CharField("nom", max_length=100)
    first_name = models.CharField("prénom", max_length=100)
    job_title = models.CharField("fonction", max_length=150, blank=True)
    reception_duties = models.BooleanField("missions d'accueil", default=True)
    took_post_on = models.DateField("prise de poste", null=True, blank=True)
    left_on = models.DateField("départ", null=True, blank=True)
    # Denormalised by services.agent_refresh_due(): the date before which the agent must (re)take a
    # reception training; indexed for the reminder sweep and the "due within 3 months" list.
    training_due_on = models.DateField("formation à renouveler avant", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "agent"
        verbose_name_plural = "agents"
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "last_name", "first_name"], name="agent_name_unique_on_site"
            ),
        ]
        indexes = [
            # trainings due soon / overdue (reminders, training register)
            models.Index(fields=["training_due_on"], name="agent_training_due_on"),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    def get_absolute_url(self):
        return reverse("steering:agent_detail", args=[self.pk])


class Training(TimeStampedModel):
    scope_path = "agent__site"

    class Topic(models.TextChoices):
        RECEPTION = "reception", "Formation à l'accueil"
        CRISIS = "crisis", "Communication de crise"
        CIP = "cip", "Cellule d'information du public (CIP)"
        OTHER = "other", "Autre"

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="trainings", verbose_name="agent")
    topic = models.CharField("thème", max_length=20, choices=Topic.choices)
    title = models.CharField("intitulé", max_length=200, blank=True)
    trained_on = models.DateField("date")
    provider = models.CharField("organisme", max_length=150, blank=True)
    hours = models.DecimalField("durée (heures)", max_digits=5, decimal_places=1, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "formation"
        verbose_name_plural = "formations"
        ordering = ["-trained_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agent", "topic", "trained_on"], name="training_once_a_day_per_topic"
            ),
        ]
        indexes = [models.Index(fields=["trained_on"], name="training_trained_on")]

    def __str__(self):
        return f"{self.get_topic_display()} – {self.agent} ({self.trained_on:%d/%m/%Y})"

    def clean(self):
        if self.trained_on and self.trained_on > timezone.localdate():
            raise ValidationError({"trained_on": TRAINING_IN_FUTURE})


# ---- module registers ---------------------------------------------------------------------------------


class PressRelease(DepartmentScopedModel):
    """Module 7: the log of crisis press releases."""

    issued_on = models.DateField("date")
    event = models.CharField("événement", max_length=200)
    channel = models.CharField("canal", max_length=100, help_text="Communiqué, Twitter, site internet…")
    text = models.TextField("texte", blank=True)

    class Meta:
        verbose_name = "communiqué de crise"
        verbose_name_plural = "communiqués de crise"
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "issued_on", "event", "channel"], name="press_release_unique"
            ),
        ]
        indexes = [models.Index(fields=["department", "issued_on"], name="press_release_date")]

    def __str__(self):
        return f"{self.issued_on:%d/%m/%Y} – {self.event}"


class CrisisExercise(DepartmentScopedModel):
    """Module 7: crisis exercises, with or without activating the public information cell (CIP)."""

    held_on = models.DateField("date")
    scenario = models.CharField("scénario", max_length=200)
    cip_activated = models.BooleanField("CIP activée", default=False)
    lessons = models.TextField("retour d'expérience", blank=True)

    class Meta:
        verbose_name = "exercice de crise"
        verbose_name_plural = "exercices de crise"
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["department", "held_on", "scenario"], name="exercise_unique"),
        ]
        indexes = [models.Index(fields=["department", "held_on"], name="exercise_date")]

    def __str__(self):
        return f"{self.held_on:%d/%m/%Y} – {self.scenario}"


class Newsletter(DepartmentScopedModel):
    """An issue of the département's internal newsletter (its title is a setting of the département)."""

    title = models.CharField("titre", max_length=100)
    number = models.PositiveSmallIntegerField("numéro")
    published_on = models.DateField("publié le")
    summary = models.TextField("sommaire", blank=True)

    class Meta:
        verbose_name = "lettre d'information"
        verbose_name_plural = "lettres d'information"
        ordering = ["-published_on", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["department", "title", "number"], name="newsletter_issue_unique"),
        ]
        indexes = [models.Index(fields=["department", "published_on"], name="newsletter_date")]

    def __str__(self):
        return f"{self.title} n° {self.number}"


class SocialMediaCount(DepartmentScopedModel):
    """Posts published on a social network in one month (942 tweets in 2015)."""

    class Network(models.TextChoices):
        TWITTER = "twitter", "Twitter"
        FACEBOOK = "facebook", "Facebook"
        OTHER = "other", "Autre"

    network = models.CharField("réseau", max_length=20, choices=Network.choices, default=Network.TWITTER)
    month = models.DateField("mois", help_text="Le premier jour du mois.")
    posts = models.PositiveIntegerField("publications")

    class Meta:
        verbose_name = "publications du mois"
        verbose_name_plural = "publications sur les réseaux sociaux"
        ordering = ["-month", "network"]
        constraints = [
            models.UniqueConstraint(fields=["department", "network", "month"], name="social_count_unique"),
            models.CheckConstraint(condition=Q(month__day=1), name="social_count_month_first_day"),
        ]

    def __str__(self):
        return f"{self.get_network_display()} {self.month:%m/%Y} : {self.posts}"


class LabelEvent(DepartmentScopedModel):
    """A milestone of the label's steering (new referential, committee instituted, appointment…)."""

    class Kind(models.TextChoices):
        REFERENTIAL = "referential", "Référentiel"
        ORGANISATION = "organisation", "Organisation de la démarche"
        COMMITTEE = "committee", "Comité"
        APPOINTMENT = "appointment", "Nomination"
        AUDIT = "audit", "Audit"
        LABEL = "label", "Label"
        OTHER = "other", "Autre"

    happened_on = models.DateField("date")
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    title = models.CharField("intitulé", max_length=255)
    detail = models.TextField("précisions", blank=True)

    class Meta:
        verbose_name = "événement de la démarche"
        verbose_name_plural = "événements de la démarche"
        ordering = ["-happened_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["department", "title"], name="label_event_title_unique"),
        ]
        indexes = [models.Index(fields=["department", "happened_on"], name="label_event_date")]

    def __str__(self):
        return self.title
