"""Complaints, suggestions and every tracked request that owes an answer by a date."""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from qualipref.bounds import plausible_date
from qualipref.workflow import Workflow
from sites.scoped import DepartmentScopedModel, SiteScopedModel


class Kind(models.TextChoices):
    COMPLAINT = "complaint", "Réclamation"
    SUGGESTION = "suggestion", "Suggestion"
    LETTER = "letter", "Courrier"
    EMAIL = "email", "Courriel"
    ELECTED_REQUEST = "elected_request", "Demande d'élu"
    OBSERVATION_LETTER = "observation_letter", "Lettre d'observation"


# Prefix of the public reference number ("REC-84-2015-0042": département 84, 2015, 42nd).
KIND_PREFIX = {
    Kind.COMPLAINT: "REC",
    Kind.SUGGESTION: "SUG",
    Kind.LETTER: "COU",
    Kind.EMAIL: "MEL",
    Kind.ELECTED_REQUEST: "ELU",
    Kind.OBSERVATION_LETTER: "OBS",
}


class Channel(models.TextChoices):
    POST = "post", "Courrier postal"
    EMAIL = "email", "Courriel"
    WEB_FORM = "web_form", "Formulaire en ligne"
    ON_SITE_REGISTER = "on_site_register", "Registre sur site"
    PHONE = "phone", "Téléphone"


class Status(models.TextChoices):
    RECEIVED = "received", "Reçue"
    ACKNOWLEDGED = "acknowledged", "Accusé de réception envoyé"
    IN_PROGRESS = "in_progress", "En cours de traitement"
    WAITING = "waiting", "En attente du requérant"
    ANSWERED = "answered", "Répondue"
    CLOSED = "closed", "Clôturée"


# Statuses whose deadline clock runs (a waiting request's clock is paused).
RUNNING_STATUSES = (Status.RECEIVED, Status.ACKNOWLEDGED, Status.IN_PROGRESS)
OPEN_STATUSES = (*RUNNING_STATUSES, Status.WAITING)
DONE_STATUSES = (Status.ANSWERED, Status.CLOSED)

WORKFLOW = Workflow(
    {
        Status.RECEIVED: {Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.WAITING, Status.ANSWERED},
        Status.ACKNOWLEDGED: {Status.IN_PROGRESS, Status.WAITING, Status.ANSWERED},
        Status.IN_PROGRESS: {Status.WAITING, Status.ANSWERED},
        Status.WAITING: {Status.IN_PROGRESS, Status.ANSWERED},
        Status.ANSWERED: {Status.CLOSED, Status.IN_PROGRESS},  # back to in progress = reopen
        Status.CLOSED: {Status.IN_PROGRESS},  # reopen
    },
    labels=dict(Status.choices),
)


class DaysKind(models.TextChoices):
    CALENDAR = "calendar", "jours calendaires"
    WORKING = "working", "jours ouvrés"


# Text bounds, the same on every entry point (staff form, import, public form): one constant per field.
DESCRIPTION_MAX_LENGTH = 5000
ANSWER_MAX_LENGTH = 20000

DUPLICATE_REQUEST = (
    "Cette demande est déjà enregistrée : même site, même date de réception, même objet et même requérant."
)


class Correspondence(SiteScopedModel):
    """A tracked request (complaint, suggestion, letter, e-mail…) that owes an answer by `due_on`."""

    reference = models.CharField("référence", max_length=32, unique=True, editable=False)
    kind = models.CharField("type", max_length=20, choices=Kind.choices, default=Kind.COMPLAINT)
    channel = models.CharField("canal", max_length=20, choices=Channel.choices, default=Channel.POST)
    reception_point = models.ForeignKey(
        "sites.ReceptionPoint",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="correspondences",
        verbose_name="point d'accueil",
    )
    received_on = models.DateField("reçue le", validators=[plausible_date])
    subject = models.CharField("objet", max_length=200)
    description = models.TextField(
        "description",
        blank=True,
        max_length=DESCRIPTION_MAX_LENGTH,
        validators=[MaxLengthValidator(DESCRIPTION_MAX_LENGTH)],
    )
    # Personal data: blanked by the retention task N years after closure.
    requester_name = models.CharField("nom du requérant", max_length=150, blank=True)
    requester_contact = models.CharField(
        "contact du requérant", max_length=200, blank=True, help_text="Adresse, courriel ou téléphone."
    )
    anonymised_on = models.DateField("anonymisée le", null=True, blank=True, editable=False)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_correspondences",
        verbose_name="agent chargé de la réponse",
    )
    status = models.CharField("statut", max_length=20, choices=Status.choices, default=Status.RECEIVED)
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
    acknowledged_on = models.DateField(
        "accusé de réception le", null=True, blank=True, validators=[plausible_date]
    )
    answered_on = models.DateField("répondue le", null=True, blank=True, validators=[plausible_date])
    answer = models.TextField(
        "réponse",
        blank=True,
        max_length=ANSWER_MAX_LENGTH,
        validators=[MaxLengthValidator(ANSWER_MAX_LENGTH)],
    )
    closed_on = models.DateField("clôturée le", null=True, blank=True, validators=[plausible_date])
    # Deadline rule snapshot taken from the referential's parameters when the request is created.
    deadline_days = models.PositiveSmallIntegerField("délai de réponse (jours)")
    deadline_kind = models.CharField("décompte", max_length=10, choices=DaysKind.choices)
    deadline_pauses = models.BooleanField(
        "délai suspendu pendant l'attente du requérant", default=True, db_default=True
    )
    # Recomputed by the service on every change, so lists filter and sort on an indexed column.
    due_on = models.DateField("échéance")
    # Stored at answer time (paused days excluded), so figures are plain SQL aggregates.
    answer_days = models.PositiveIntegerField("délai de réponse constaté (jours)", null=True, blank=True)
    answered_on_time = models.BooleanField("répondue dans le délai", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name="saisie par",
    )

    class Meta:
        verbose_name = "demande"
        verbose_name_plural = "demandes"
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True) | Q(answered_on__gte=F("received_on")),
                name="request_answered_after_received",
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_on__isnull=True) | Q(acknowledged_on__gte=F("received_on")),
                name="request_acknowledged_after_received",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("received_on")),
                name="request_closed_after_received",
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=F("received_on")), name="request_due_after_received"
            ),
            # A request that names its requester identifies itself: the same one is logged once, even when
            # two imports or a double-clicked form race (anonymous and anonymised requests are exempt).
            models.UniqueConstraint(
                fields=["site", "received_on", "subject", "requester_name"],
                condition=~Q(requester_name=""),
                name="request_unique_identity",
                violation_error_message=DUPLICATE_REQUEST,
            ),
        ]
        indexes = [
            # the register: the scope's requests (a few sites), newest first, filtered by period. It covers
            # (PostgreSQL: INCLUDE) every column the register filters, sorts and counts on, so the filters
            # users combine (kind, status, channel, deadline, dates), the sorts, the page's ids and the
            # selection's figures read this index alone (index-only scan), not one table page per row;
            # the rows of the page are then fetched by id (qualipref.lists.paginate, deferred).
            # Text search: trigram GIN indexes (PostgreSQL only) in migration 0006_register_indexes.
            models.Index(
                fields=["site", "received_on"],
                name="request_register",
                include=[
                    "id",
                    "reference",
                    "kind",
                    "channel",
                    "status",
                    "due_on",
                    "answered_on",
                    "answered_on_time",
                    "answer_days",
                    "deadline_kind",
                ],
            ),
            # the register of a scope of many sites (a national administrator: every site of the country),
            # newest first: its page is the first rows of this index that are in the scope, instead of
            # every request sorted (at 1,000,000 requests, 137 ms -> 0.8 ms; a département's register,
            # 1 % of the rows, 3.4 -> 2.1 ms; the planner keeps request_register for one site's 2,200 rows)
            models.Index(F("received_on").desc(), "id", name="request_recent"),
            # "overdue / due soon" filters and the reminder sweep: open requests by due date
            models.Index(
                fields=["due_on"],
                name="request_open_due",
                condition=Q(status__in=["received", "acknowledged", "in_progress"]),
            ),
            # a user's late requests (the menu's badge on every page, the inbox, the "overdue" filter): the
            # open requests of a few sites by due date, without reading every request of those sites
            # (at 1,000,000 requests, 10,160 index entries read for 10 late ones: 2.2 ms -> 0.35 ms)
            models.Index(
                fields=["site", "due_on"],
                name="request_open_site_due",
                condition=Q(status__in=["received", "acknowledged", "in_progress"]),
            ),
            # the retention task: closed requests not anonymised yet, by closing date
            models.Index(
                fields=["closed_on"],
                name="request_closed_to_anonymise",
                condition=Q(anonymised_on__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.reference} · {self.subject}"

    def get_absolute_url(self):
        return reverse("complaints:correspondence_detail", args=[self.pk])

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    @property
    def is_paused(self):
        return self.status == Status.WAITING


class CorrespondencePause(models.Model):
    """A span during which the request waited for the requester: days start <= d < end are paused."""

    correspondence = models.ForeignKey(
        Correspondence, on_delete=models.CASCADE, related_name="pauses", verbose_name="demande"
    )
    start = models.DateField("suspendue le")
    end = models.DateField("reprise le", null=True, blank=True)
    reason = models.CharField("motif", max_length=255, blank=True)

    class Meta:
        verbose_name = "suspension du délai"
        verbose_name_plural = "suspensions du délai"
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="request_pause_end_after_start"
            ),
            models.UniqueConstraint(
                fields=["correspondence"], condition=Q(end__isnull=True), name="request_one_open_pause"
            ),
        ]

    def __str__(self):
        return f"{self.start} → {self.end or '…'}"


class ReferenceSequence(models.Model):
    """The last reference number given in a département for a year (numbers run per département/year)."""

    department = models.ForeignKey("sites.Department", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "numérotation des demandes"
        constraints = [
            models.UniqueConstraint(fields=["department", "year"], name="reference_sequence_unique"),
        ]

    def __str__(self):
        return f"{self.department_id}/{self.year}: {self.last}"


class ModelAnswer(DepartmentScopedModel):
    """A model answer (by kind and topic) that agents insert in the answer form."""

    kind = models.CharField(
        "type de demande", max_length=20, choices=Kind.choices, blank=True, help_text="Vide : tous les types."
    )
    topic = models.CharField("thème", max_length=100)
    title = models.CharField("titre", max_length=150)
    body = models.TextField("texte")

    class Meta:
        verbose_name = "modèle de réponse"
        verbose_name_plural = "modèles de réponse"
        ordering = ["kind", "topic", "title"]
        constraints = [
            models.UniqueConstraint(fields=["department", "kind", "title"], name="model_answer_unique_title"),
        ]

    def __str__(self):
        return f"{self.topic} · {self.title}"
