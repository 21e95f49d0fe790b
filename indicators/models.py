"""Indicators: definitions, targets per entity or site and year, measurements per site and period,
API clients.

Computed indicators (complaints on time, training compliance…) store no measurement: their values are
read from the other apps' selectors at display time (see `indicators.computed`), so a figure has one
source.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from qualipref.bounds import plausible_date
from sites.scoped import DepartmentScopedModel, EntityScopedModel, SiteScopedModel


class Indicator(DepartmentScopedModel):
    """The definition of an indicator in a département."""

    class Unit(models.TextChoices):
        PERCENT = "percent", "%"
        COUNT = "count", "nombre"
        MINUTES = "minutes", "minutes"
        DAYS = "days", "jours"

    class Direction(models.TextChoices):
        HIGHER = "higher", "Plus haut, c'est mieux"
        LOWER = "lower", "Plus bas, c'est mieux"

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", "Mensuelle"
        DAILY = "daily", "Quotidienne"

    class Formula(models.TextChoices):
        MEASURED = "measured", "Mesuré (saisie, import, API)"
        COMPUTED = "computed", "Calculé à partir des données de Qualipref"

    class Aggregation(models.TextChoices):
        MEAN = "mean", "Moyenne des valeurs du mois"
        SUM = "sum", "Somme des valeurs du mois"

    code = models.SlugField(
        "code", max_length=50, help_text="Identifiant court, utilisé par l'import Excel et l'API."
    )
    name = models.CharField("intitulé", max_length=200)
    description = models.TextField("définition", blank=True)
    unit = models.CharField("unité", max_length=10, choices=Unit.choices, default=Unit.PERCENT)
    direction = models.CharField("sens", max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    frequency = models.CharField(
        "fréquence de mesure",
        max_length=10,
        choices=Frequency.choices,
        default=Frequency.MONTHLY,
        help_text="Mensuelle : une valeur par mois ; quotidienne : une valeur par jour, agrégée par mois.",
    )
    aggregation = models.CharField(
        "agrégation mensuelle",
        max_length=10,
        choices=Aggregation.choices,
        default=Aggregation.MEAN,
        help_text="Pour une mesure quotidienne : comment les valeurs d'un mois forment la valeur du mois.",
    )
    formula = models.CharField(
        "mode de calcul", max_length=10, choices=Formula.choices, default=Formula.MEASURED
    )
    computed_code = models.CharField(
        "calcul",
        max_length=60,
        blank=True,
        help_text="Pour un indicateur calculé : le calcul de Qualipref qui le produit.",
    )
    computed_param = models.CharField(
        "paramètre du calcul",
        max_length=60,
        blank=True,
        help_text="Par exemple le code du critère d'enquête pour la satisfaction par critère.",
    )
    module = models.ForeignKey(
        "referential.Module",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name="module",
    )
    engagement = models.ForeignKey(
        "referential.Engagement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name="engagement",
    )
    min_value = models.DecimalField("valeur minimale", max_digits=12, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField("valeur maximale", max_digits=12, decimal_places=2, null=True, blank=True)
    order = models.PositiveSmallIntegerField("ordre", default=0)
    active = models.BooleanField("suivi au tableau de bord", default=True)

    class Meta:
        verbose_name = "indicateur"
        verbose_name_plural = "indicateurs"
        ordering = ["department", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "code"], name="indicator_code_unique_in_department"
            ),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(min_value__lte=F("max_value")),
                name="indicator_min_below_max",
            ),
            models.CheckConstraint(
                condition=Q(formula="measured", computed_code="")
                | Q(formula="computed") & ~Q(computed_code=""),
                name="indicator_computed_has_code",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("indicators:indicator_detail", args=[self.pk])

    @property
    def is_computed(self) -> bool:
        return self.formula == self.Formula.COMPUTED

    @property
    def unit_symbol(self) -> str:
        return {"percent": "%", "count": "", "minutes": "min", "days": "j"}[self.unit]

    def clean(self):
        errors = {}
        if self.formula == self.Formula.COMPUTED:
            from .computed import registry

            if not self.computed_code:
                errors["computed_code"] = "Choisissez le calcul qui produit cet indicateur."
            elif self.computed_code not in registry():
                errors["computed_code"] = f"Calcul inconnu : « {self.computed_code} »."
            elif registry()[self.computed_code].needs_param and not self.computed_param:
                errors["computed_param"] = (
                    "Ce calcul a besoin d'un paramètre (par exemple le code du critère)."
                )
        elif self.computed_code:
            errors["computed_code"] = "Un indicateur mesuré n'a pas de calcul : laissez ce champ vide."
        if self.min_value is not None and self.max_value is not None and self.min_value > self.max_value:
            errors["max_value"] = "La valeur maximale doit être supérieure ou égale à la valeur minimale."
        if self.engagement_id and self.module_id and self.engagement.module_id != self.module_id:
            errors["engagement"] = "Cet engagement n'appartient pas au module choisi."
        if errors:
            raise ValidationError(errors)

    def range_error(self, value) -> str | None:
        """A French message when `value` lies outside the indicator's valid range, else None."""
        if self.min_value is not None and value < self.min_value:
            return (
                f"La valeur {value} est inférieure au minimum admis pour « {self.name} » ({self.min_value})."
            )
        if self.max_value is not None and value > self.max_value:
            return (
                f"La valeur {value} est supérieure au maximum admis pour « {self.name} » ({self.max_value})."
            )
        return None


class Target(EntityScopedModel):
    """An indicator's target for an entity (all its sites) or one site, from a year on.

    The target in force for a month is the most specific one (site before entity) with the latest
    `year` not after the month's year: a new target for 2016 replaces the 2015 one from January 2016.
    """

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name="indicateur"
    )
    site = models.ForeignKey(
        "sites.Site",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="site",
        help_text="Laissez vide pour fixer la cible de tous les sites de l'entité.",
    )
    year = models.PositiveSmallIntegerField(
        "à partir de l'année",
        validators=[MinValueValidator(2000)],
        help_text="La cible vaut jusqu'à la suivante.",
    )
    value = models.DecimalField("cible", max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = "cible"
        verbose_name_plural = "cibles"
        ordering = ["indicator", "entity", "site", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "entity", "site", "year"],
                name="target_unique_per_scope_and_year",
                nulls_distinct=False,
            ),
        ]

    def __str__(self):
        return f"{self.indicator} · {self.site or self.entity} · {self.year} : {self.value}"

    def clean(self):
        errors = {}
        if self.site_id and self.entity_id and self.site.entity_id != self.entity_id:
            errors["site"] = "Ce site n'appartient pas à l'entité choisie."
        if self.indicator_id and self.entity_id and self.indicator.department_id != self.entity.department_id:
            errors["entity"] = "Cette entité n'appartient pas au département de l'indicateur."
        if (
            self.indicator_id
            and self.value is not None
            and (message := self.indicator.range_error(self.value))
        ):
            errors["value"] = message
        if errors:
            raise ValidationError(errors)


class ApiClient(DepartmentScopedModel):
    """A system that pushes measurements (telephone platform, queue manager), with its own token.

    Only a SHA-256 hash of the token is kept: the token itself is shown once, when it is created.
    The token is 256 random bits, so a fast hash is enough (no brute force is possible).
    """

    name = models.CharField("nom", max_length=150, help_text="Par exemple : plateforme téléphonique.")
    token_prefix = models.CharField("début du jeton", max_length=12, editable=False)
    token_hash = models.CharField("empreinte du jeton", max_length=64, unique=True, editable=False)
    sites = models.ManyToManyField("sites.Site", related_name="+", verbose_name="sites autorisés")
    active = models.BooleanField("actif", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="créé par",
    )
    last_used_at = models.DateTimeField("dernier appel", null=True, blank=True)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)

    class Meta:
        verbose_name = "client de l'API"
        verbose_name_plural = "clients de l'API"
        ordering = ["department", "name"]

    def __str__(self):
        return self.name

    @property
    def access_site_ids(self) -> set[int]:
        """The sites its token writes on: `sites.access.writable(client, Site.objects)` reads them."""
        return {s.pk for s in self.sites.all()}


class Measurement(SiteScopedModel):
    """The value of a measured indicator on a site for a period (a month's first day, or a day).

    One row per (indicator, site, period): a new value updates it, and the history keeps the old one.
    """

    class Source(models.TextChoices):
        FORM = "form", "Saisie"
        IMPORT = "import", "Import Excel"
        API = "api", "API"

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="measurements", verbose_name="indicateur"
    )
    period = models.DateField(
        "période", help_text="Le mois (premier jour) ou le jour mesuré.", validators=[plausible_date]
    )
    value = models.DecimalField("valeur", max_digits=12, decimal_places=2)
    source = models.CharField("origine", max_length=10, choices=Source.choices, default=Source.FORM)
    comment = models.CharField("commentaire", max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="saisi par",
    )
    api_client = models.ForeignKey(
        ApiClient,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="client de l'API",
    )

    class Meta:
        verbose_name = "mesure"
        verbose_name_plural = "mesures"
        ordering = ["indicator", "site", "-period"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "site", "period"], name="measurement_unique_per_period"
            ),
        ]
        indexes = [
            # the dashboard reads a window of months for the sites of a scope, per indicator
            models.Index(fields=["site", "period"], name="measurement_site_period"),
        ]

    def __str__(self):
        return f"{self.indicator} · {self.site} · {self.period:%m/%Y} : {self.value}"


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)
