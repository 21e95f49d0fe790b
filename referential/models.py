"""The label's referential as versioned data: modules, engagements, criteria, parameters, finding types,
and which entity holds which module (label scopes)."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from qualipref.models import TimeStampedModel
from sites.scoped import EntityScopedModel


class Referential(TimeStampedModel):
    code = models.SlugField("code", max_length=50)
    name = models.CharField("nom", max_length=150)
    version = models.CharField("version", max_length=30)
    published_on = models.DateField("publié le", null=True, blank=True)
    valid_from = models.DateField("en vigueur depuis", null=True, blank=True)
    valid_until = models.DateField("en vigueur jusqu'au", null=True, blank=True)
    description = models.TextField("description", blank=True)
    source_file = models.CharField("fichier source", max_length=255, blank=True)
    checksum = models.CharField("empreinte SHA-256 du fichier", max_length=64, blank=True)
    # A version edited in the app by a département's quality manager: it adapts a published version
    # (`adapts`, loaded from its file) for that département only; the published one stays as it is.
    department = models.ForeignKey(
        "sites.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referentials",
        verbose_name="département",
        help_text="Vide : version publiée, commune à tous les départements.",
    )
    adapts = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adaptations",
        verbose_name="adapte la version publiée",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "référentiel"
        verbose_name_plural = "référentiels"
        ordering = ["-published_on", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="referential_code_version_unique"),
            # A département's version adapts a published one; a published one adapts nothing.
            models.CheckConstraint(
                condition=Q(department__isnull=True, adapts__isnull=True)
                | Q(department__isnull=False, adapts__isnull=False),
                name="referential_adaptation_has_department",
            ),
        ]

    def __str__(self):
        return f"{self.name} (version {self.version})"

    @property
    def published_id(self) -> int:
        """The id of the published version this one is, or adapts (the lineage of its versions)."""
        return self.adapts_id or self.pk


class Module(TimeStampedModel):
    referential = models.ForeignKey(
        Referential, on_delete=models.CASCADE, related_name="modules", verbose_name="référentiel"
    )
    number = models.PositiveSmallIntegerField("numéro")
    title = models.CharField("intitulé", max_length=200)
    mandatory = models.BooleanField("obligatoire", default=False)
    description = models.TextField("description", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "module"
        verbose_name_plural = "modules"
        ordering = ["referential", "number"]
        constraints = [
            models.UniqueConstraint(fields=["referential", "number"], name="module_number_unique"),
        ]

    def __str__(self):
        return f"Module {self.number} – {self.title}"


class Engagement(TimeStampedModel):
    module = models.ForeignKey(
        Module, on_delete=models.CASCADE, related_name="engagements", verbose_name="module"
    )
    code = models.CharField("code", max_length=20)
    title = models.CharField("intitulé", max_length=300)
    text = models.TextField("texte", blank=True)
    order = models.PositiveSmallIntegerField("ordre", default=0)
    to_confirm = models.BooleanField(
        "à confirmer", default=False, help_text="Formulation non confirmée par une source publique."
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "engagement"
        verbose_name_plural = "engagements"
        ordering = ["module", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["module", "code"], name="engagement_code_unique_in_module"),
        ]

    def __str__(self):
        return f"{self.code} – {self.title}"


class Criterion(TimeStampedModel):
    """A criterion of an engagement; criteria nest (E19.1 under E19, E19.1.a under E19.1)."""

    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="criteria", verbose_name="engagement"
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="parent",
    )
    code = models.CharField("code", max_length=30)
    text = models.TextField("texte")
    order = models.PositiveSmallIntegerField("ordre", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "critère"
        verbose_name_plural = "critères"
        ordering = ["engagement", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "code"], name="criterion_code_unique_in_engagement"
            ),
        ]

    def __str__(self):
        return f"{self.code} – {self.text[:80]}"


class Parameter(TimeStampedModel):
    """A measurable threshold of the referential (answer deadline, training period…).

    A row with a département overrides the referential's default for that département.
    """

    class ValueType(models.TextChoices):
        INTEGER = "int", "Entier"
        DECIMAL = "decimal", "Décimal"
        TEXT = "str", "Texte"
        BOOLEAN = "bool", "Oui/non"
        CHOICE = "choice", "Choix"

    referential = models.ForeignKey(
        Referential, on_delete=models.CASCADE, related_name="parameters", verbose_name="référentiel"
    )
    department = models.ForeignKey(
        "sites.Department",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="parameters",
        verbose_name="département",
        help_text="Vide : valeur par défaut du référentiel.",
    )
    key = models.SlugField("clé", max_length=80)
    label = models.CharField("libellé", max_length=200)
    value_type = models.CharField("type", max_length=10, choices=ValueType.choices)
    value = models.CharField("valeur", max_length=200)
    choices = models.CharField(
        "valeurs possibles", max_length=200, blank=True, help_text="Séparées par des virgules."
    )
    unit = models.CharField("unité", max_length=30, blank=True)
    engagement = models.ForeignKey(
        Engagement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="parameters",
        verbose_name="engagement mesuré",
    )
    to_confirm = models.BooleanField("à confirmer", default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "paramètre"
        verbose_name_plural = "paramètres"
        ordering = ["referential", "key", "department"]
        constraints = [
            models.UniqueConstraint(
                fields=["referential", "key", "department"], name="parameter_unique", nulls_distinct=False
            ),
        ]

    def __str__(self):
        return f"{self.key} = {self.value}"

    @property
    def typed_value(self):
        from .params import cast_value

        return cast_value(self.value_type, self.value)


class FindingType(TimeStampedModel):
    referential = models.ForeignKey(
        Referential, on_delete=models.CASCADE, related_name="finding_types", verbose_name="référentiel"
    )
    code = models.SlugField("code", max_length=40)
    label = models.CharField("libellé", max_length=100)
    label_plural = models.CharField("libellé au pluriel", max_length=100, blank=True)
    order = models.PositiveSmallIntegerField("ordre", default=0)
    requires_action = models.BooleanField("appelle une action", default=False)
    blocks_label = models.BooleanField("bloque le label", default=False)
    color = models.CharField("couleur", max_length=20, default="secondary", help_text="Classe Bootstrap.")
    to_confirm = models.BooleanField("à confirmer", default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "type de constat"
        verbose_name_plural = "types de constat"
        ordering = ["referential", "order"]
        constraints = [
            models.UniqueConstraint(fields=["referential", "code"], name="finding_type_code_unique"),
        ]

    def __str__(self):
        return self.label


class LabelCycle(TimeStampedModel):
    """The label's cycle for one referential: initial audit, surveillance audits, renewal (in months).

    The next audit of a labelled entity is computed from this cycle and its last audit
    (`referential.cycles`), never typed by hand.
    """

    referential = models.OneToOneField(
        Referential, on_delete=models.CASCADE, related_name="cycle", verbose_name="référentiel"
    )
    initial_audit = models.CharField("audit initial", max_length=200, blank=True)
    validity_months = models.PositiveSmallIntegerField("durée de validité du label (mois)")
    surveillance_interval_months = models.PositiveSmallIntegerField(
        "intervalle des audits de surveillance (mois)", null=True, blank=True
    )
    renewal_months_before_expiry = models.PositiveSmallIntegerField(
        "audit de renouvellement avant l'échéance (mois)", null=True, blank=True
    )
    to_confirm = models.BooleanField("à confirmer", default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "cycle du label"
        verbose_name_plural = "cycles du label"
        constraints = [
            models.CheckConstraint(condition=Q(validity_months__gt=0), name="label_cycle_validity_positive"),
            models.CheckConstraint(
                condition=Q(surveillance_interval_months__isnull=True)
                | Q(surveillance_interval_months__gt=0),
                name="label_cycle_surveillance_positive",
            ),
            models.CheckConstraint(
                condition=Q(renewal_months_before_expiry__isnull=True)
                | Q(renewal_months_before_expiry__gt=0),
                name="label_cycle_renewal_positive",
            ),
        ]

    def __str__(self):
        return f"Cycle du label {self.referential}"


class CrosswalkLink(TimeStampedModel):
    """One link between a module or engagement of an older referential and an engagement of a newer one."""

    source_module = models.ForeignKey(
        Module, on_delete=models.CASCADE, related_name="crosswalk_links", verbose_name="module d'origine"
    )
    source_engagement = models.ForeignKey(
        Engagement,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="crosswalk_out",
        verbose_name="engagement d'origine",
    )
    target_engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="crosswalk_in", verbose_name="engagement d'arrivée"
    )
    reason = models.TextField("raison")
    order = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "correspondance entre référentiels"
        verbose_name_plural = "correspondances entre référentiels"
        ordering = ["source_module__number", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_module", "source_engagement", "target_engagement"],
                name="crosswalk_link_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self):
        source = (
            self.source_engagement.code
            if self.source_engagement_id
            else f"module {self.source_module.number}"
        )
        return f"{source} → {self.target_engagement.code}"


class LabelScopeQuerySet(models.QuerySet):
    def current(self, on):
        """Scopes in force on `on`: started, not ended (replaced by another referential), not withdrawn."""
        return (
            self.exclude(status=LabelScope.Status.WITHDRAWN)
            .filter(Q(started_on__isnull=True) | Q(started_on__lte=on))
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
        )


class LabelScope(EntityScopedModel):
    """Which entity is labelled on which module of which referential, since when and until when."""

    class Status(models.TextChoices):
        PREPARING = "preparing", "En préparation"
        LABELLED = "labelled", "Labellisé"
        SUSPENDED = "suspended", "Suspendu"
        WITHDRAWN = "withdrawn", "Retiré"

    module = models.ForeignKey(
        Module, on_delete=models.PROTECT, related_name="label_scopes", verbose_name="module"
    )
    status = models.CharField("statut", max_length=20, choices=Status.choices, default=Status.PREPARING)
    awarded_on = models.DateField("labellisé le", null=True, blank=True)
    valid_until = models.DateField("valable jusqu'au", null=True, blank=True)
    next_audit_on = models.DateField(
        "prochain audit prévu (historique)",
        null=True,
        blank=True,
        help_text="Date enregistrée à l'époque ; pour un périmètre en cours, le prochain audit est calculé.",
    )
    started_on = models.DateField("entré dans ce référentiel le", null=True, blank=True)
    ended_on = models.DateField(
        "quitté le", null=True, blank=True, help_text="Date du passage à un autre référentiel."
    )

    objects = LabelScopeQuerySet.as_manager()

    STATUS_BADGES = {
        Status.PREPARING: "secondary",
        Status.LABELLED: "success",
        Status.SUSPENDED: "warning",
        Status.WITHDRAWN: "danger",
    }

    class Meta:
        verbose_name = "périmètre de labellisation"
        verbose_name_plural = "périmètres de labellisation"
        ordering = ["entity", "module__number"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "module"], name="label_scope_unique"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(awarded_on__isnull=True)
                | Q(valid_until__gt=models.F("awarded_on")),
                name="label_scope_valid_after_award",
            ),
            models.CheckConstraint(
                condition=~Q(status="labelled") | Q(awarded_on__isnull=False),
                name="label_scope_labelled_has_award_date",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gt=models.F("started_on")),
                name="label_scope_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.entity} · module {self.module.number} · {self.get_status_display()}"

    @property
    def badge(self):
        return self.STATUS_BADGES[self.status]

    @property
    def referential(self):
        return self.module.referential
