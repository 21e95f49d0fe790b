"""Satisfaction surveys: campaigns, their criteria and units, results per unit and criterion,
strengths and points of vigilance, and the anonymous answers of the online questionnaire."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from qualipref.models import TimeStampedModel
from qualipref.workflow import Workflow
from sites.scoped import DepartmentScopedModel, SiteScopedModel

RATE_RANGE = Q(rate__gte=0) & Q(rate__lte=100)


class Campaign(DepartmentScopedModel):
    """A survey campaign of a département (users or local authorities), one per population and year.

    The campaign belongs to the département; each of its units belongs to a site, and who may see or
    change a unit's results follows that site.
    """

    class Population(models.TextChoices):
        USERS = "users", "Usagers"
        LOCAL_AUTHORITIES = "local_authorities", "Collectivités territoriales"

    class Status(models.TextChoices):
        PLANNED = "planned", "Prévue"
        OPEN = "open", "Ouverte"
        CLOSED = "closed", "Close"
        PUBLISHED = "published", "Publiée"

    name = models.CharField("intitulé", max_length=200)
    year = models.PositiveSmallIntegerField("année")
    population = models.CharField("population interrogée", max_length=20, choices=Population.choices)
    starts_on = models.DateField("début de la période", null=True, blank=True)
    ends_on = models.DateField("fin de la période", null=True, blank=True)
    method = models.TextField(
        "méthode",
        blank=True,
        help_text="Par exemple : questionnaire papier remis au guichet, questionnaire en ligne (QR code).",
    )
    respondents = models.PositiveIntegerField(
        "nombre de répondants",
        null=True,
        blank=True,
        help_text="Nombre déclaré (enquête papier). Les réponses en ligne sont comptées en plus.",
    )
    status = models.CharField("statut", max_length=20, choices=Status.choices, default=Status.PLANNED)
    status_changed_at = models.DateTimeField("statut modifié le", null=True, blank=True)
    status_changed_by = models.ForeignKey(
        "sites.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="statut modifié par",
    )
    notes = models.TextField("remarques", blank=True)

    class Meta:
        verbose_name = "campagne d'enquête"
        verbose_name_plural = "campagnes d'enquête"
        ordering = ["-year", "population"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "population", "year"], name="survey_campaign_unique_per_year"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="survey_campaign_year_plausible"
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="survey_campaign_period_ordered",
            ),
        ]
        indexes = [
            # The daily reminder looks for open campaigns whose period has ended.
            models.Index(fields=["status", "ends_on"], name="survey_campaign_status_end"),
        ]
        # The previous-campaign lookup filters department + population and orders by year: the unique
        # constraint's index serves it.

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("surveys:campaign_detail", args=[self.pk])

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "La fin de la période doit suivre son début."})

    @property
    def is_open(self):
        return self.status == self.Status.OPEN

    @property
    def results_locked(self):
        return self.status == self.Status.PUBLISHED


CAMPAIGN_WORKFLOW = Workflow(
    {
        Campaign.Status.PLANNED: {Campaign.Status.OPEN, Campaign.Status.CLOSED},
        Campaign.Status.OPEN: {Campaign.Status.CLOSED},
        Campaign.Status.CLOSED: {Campaign.Status.OPEN, Campaign.Status.PUBLISHED},
        Campaign.Status.PUBLISHED: {Campaign.Status.CLOSED},
    },
    labels=dict(Campaign.Status.choices),
)


class Criterion(TimeStampedModel):
    """A criterion of one campaign (the seven of 2015 by default), optionally tied to an engagement."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="criteria", verbose_name="campagne"
    )
    code = models.SlugField(
        "code", max_length=40, help_text="Identifiant court, stable d'une année sur l'autre."
    )
    label = models.CharField("libellé", max_length=150)
    synonyms = models.CharField(
        "autres écritures acceptées à l'import",
        max_length=500,
        blank=True,
        help_text="Séparées par « ; », par exemple « accueil PMR ; PMR ». Majuscules, accents et espaces "
        "sont déjà ignorés.",
    )
    question = models.CharField(
        "question posée",
        max_length=300,
        blank=True,
        help_text="Texte affiché dans le questionnaire en ligne.",
    )
    order = models.PositiveSmallIntegerField("ordre", default=0)
    engagement = models.ForeignKey(
        "referential.Engagement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_criteria",
        verbose_name="engagement du référentiel",
    )
    target_rate = models.DecimalField(
        "cible (%)",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        help_text="Taux de satisfaction visé.",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "critère d'enquête"
        verbose_name_plural = "critères d'enquête"
        ordering = ["campaign", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="survey_criterion_code_unique"),
            models.CheckConstraint(
                condition=Q(target_rate__isnull=True) | (Q(target_rate__gte=0) & Q(target_rate__lte=100)),
                name="survey_criterion_target_0_100",
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def question_text(self):
        return self.question or f"Êtes-vous satisfait(e) : {self.label.lower()} ?"


class SurveyUnit(SiteScopedModel):
    """A surveyed unit: a site, a reception point, or several points together
    ("Centre-ville – accueil général et associations"). Its site is the site it belongs to."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="units", verbose_name="campagne"
    )
    code = models.SlugField(
        "code",
        max_length=60,
        help_text="Identifiant court dans les adresses du questionnaire (repris d'une campagne à l'autre).",
    )
    name = models.CharField("nom", max_length=200)
    reception_points = models.ManyToManyField(
        "sites.ReceptionPoint", blank=True, related_name="survey_units", verbose_name="points d'accueil"
    )
    respondents = models.PositiveIntegerField("répondants (enquête papier)", null=True, blank=True)
    order = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "unité enquêtée"
        verbose_name_plural = "unités enquêtées"
        ordering = ["campaign", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="survey_unit_code_unique"),
        ]
        indexes = [
            # The public questionnaire looks up the open campaign's units of one site.
            models.Index(fields=["site", "campaign"], name="survey_unit_site_campaign"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("surveys:unit_detail", args=[self.pk])

    def clean(self):
        if (
            self.site_id
            and self.campaign_id
            and self.site.entity.department_id != self.campaign.department_id
        ):
            raise ValidationError({"site": "Ce site n'appartient pas au département de la campagne."})

    def public_path(self):
        return reverse("surveys_public:questionnaire", args=[self.site.code, self.code])


class Result(TimeStampedModel):
    """The satisfaction rate of one unit on one criterion (share satisfied + very satisfied)."""

    class Source(models.TextChoices):
        FORM = "form", "Saisie"
        IMPORT = "import", "Import Excel"
        RESPONSES = "responses", "Réponses en ligne"

    unit = models.ForeignKey(
        SurveyUnit, on_delete=models.CASCADE, related_name="results", verbose_name="unité"
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="results", verbose_name="critère"
    )
    rate = models.DecimalField("taux de satisfaction (%)", max_digits=5, decimal_places=1)
    satisfied = models.PositiveIntegerField("satisfaits", null=True, blank=True)
    concerned = models.PositiveIntegerField("concernés", null=True, blank=True)
    source = models.CharField("origine", max_length=20, choices=Source.choices, default=Source.FORM)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "résultat"
        verbose_name_plural = "résultats"
        ordering = ["unit", "criterion"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "criterion"], name="survey_result_unique"),
            models.CheckConstraint(condition=RATE_RANGE, name="survey_result_rate_0_100"),
            models.CheckConstraint(
                condition=Q(satisfied__isnull=True)
                | Q(concerned__isnull=True)
                | Q(satisfied__lte=models.F("concerned")),
                name="survey_result_satisfied_le_concerned",
            ),
        ]

    def __str__(self):
        return f"{self.unit} · {self.criterion} : {self.rate} %"

    def clean(self):
        if self.unit_id and self.criterion_id and self.unit.campaign_id != self.criterion.campaign_id:
            raise ValidationError("Le critère n'appartient pas à la campagne de l'unité.")


class UnitPoint(TimeStampedModel):
    """A strength or a point of vigilance of a unit; a point of vigilance may start an action."""

    scope_path = "unit__site"

    class Kind(models.TextChoices):
        STRENGTH = "strength", "Point fort"
        VIGILANCE = "vigilance", "Point de vigilance"

    unit = models.ForeignKey(
        SurveyUnit, on_delete=models.CASCADE, related_name="points", verbose_name="unité"
    )
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    text = models.CharField("texte", max_length=300)
    order = models.PositiveSmallIntegerField("ordre", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "point fort ou de vigilance"
        verbose_name_plural = "points forts et de vigilance"
        ordering = ["unit", "kind", "order", "pk"]

    def __str__(self):
        return self.text

    def get_absolute_url(self):
        return f"{self.unit.get_absolute_url()}#point-{self.pk}"


class Response(models.Model):
    """One anonymous submission of the online questionnaire (no personal data is kept)."""

    unit = models.ForeignKey(
        SurveyUnit, on_delete=models.CASCADE, related_name="responses", verbose_name="unité"
    )
    submitted_at = models.DateTimeField("reçue le", auto_now_add=True)
    token = models.CharField("jeton de visite", max_length=64, unique=True)
    comment = models.TextField("commentaire", blank=True, max_length=2000)

    class Meta:
        verbose_name = "réponse en ligne"
        verbose_name_plural = "réponses en ligne"
        ordering = ["-submitted_at"]

    def __str__(self):
        return f"Réponse du {self.submitted_at:%d/%m/%Y %H:%M} · {self.unit}"


class Answer(models.Model):
    class Value(models.IntegerChoices):
        VERY_SATISFIED = 4, "Très satisfait(e)"
        SATISFIED = 3, "Satisfait(e)"
        DISSATISFIED = 2, "Peu satisfait(e)"
        VERY_DISSATISFIED = 1, "Pas du tout satisfait(e)"
        NOT_CONCERNED = 0, "Non concerné(e)"

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers", verbose_name="réponse"
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="answers", verbose_name="critère"
    )
    value = models.PositiveSmallIntegerField("réponse", choices=Value.choices)

    class Meta:
        verbose_name = "réponse à un critère"
        verbose_name_plural = "réponses aux critères"
        constraints = [
            models.UniqueConstraint(fields=["response", "criterion"], name="survey_answer_unique"),
            models.CheckConstraint(
                condition=Q(value__gte=0) & Q(value__lte=4), name="survey_answer_value_0_4"
            ),
        ]

    def __str__(self):
        return f"{self.criterion} : {self.get_value_display()}"
