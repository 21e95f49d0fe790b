"""Organisation: département → labelled entity → site → reception point; users and their roles."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from qualipref.models import TimeStampedModel


class User(AbstractUser):
    """Custom user from the first migration; the scope comes from memberships."""

    job_title = models.CharField("fonction", max_length=150, blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"
        ordering = ["last_name", "first_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username


class TimeZone(models.TextChoices):
    """The time zones of the départements (metropolitan France and overseas)."""

    PARIS = "Europe/Paris", "Europe/Paris – France métropolitaine et Corse"
    GUADELOUPE = "America/Guadeloupe", "America/Guadeloupe – Guadeloupe"
    MARTINIQUE = "America/Martinique", "America/Martinique – Martinique"
    CAYENNE = "America/Cayenne", "America/Cayenne – Guyane"
    REUNION = "Indian/Reunion", "Indian/Reunion – La Réunion"
    MAYOTTE = "Indian/Mayotte", "Indian/Mayotte – Mayotte"
    MIQUELON = "America/Miquelon", "America/Miquelon – Saint-Pierre-et-Miquelon"
    ST_BARTHELEMY = "America/St_Barthelemy", "America/St_Barthelemy – Saint-Barthélemy"
    MARIGOT = "America/Marigot", "America/Marigot – Saint-Martin"
    NOUMEA = "Pacific/Noumea", "Pacific/Noumea – Nouvelle-Calédonie"
    TAHITI = "Pacific/Tahiti", "Pacific/Tahiti – Polynésie française"
    WALLIS = "Pacific/Wallis", "Pacific/Wallis – Wallis-et-Futuna"


class Department(TimeStampedModel):
    code = models.CharField(
        "code",
        max_length=3,
        unique=True,
        help_text="Code INSEE du département (2 ou 3 caractères : 01 à 95, 2A, 2B, 971…).",
    )
    name = models.CharField("nom", max_length=100)
    prefecture_name = models.CharField(
        "nom de la préfecture",
        max_length=150,
        blank=True,
        help_text="Tel qu’il figure sur les courriers et le bilan annuel : « Préfecture de … ».",
    )
    time_zone = models.CharField(
        "fuseau horaire",
        max_length=40,
        choices=TimeZone.choices,
        default=TimeZone.PARIS,
        help_text="Heure légale du département : dates de réception, échéances et relances.",
    )
    newsletter_title = models.CharField(
        "titre de la lettre interne",
        max_length=100,
        blank=True,
        help_text="Proposé pour chaque nouveau numéro de la lettre d'information du département.",
    )

    history = HistoricalRecords()

    scope_path = "pk"  # see sites.access

    class Meta:
        verbose_name = "département"
        verbose_name_plural = "départements"
        ordering = ["code"]

    def __str__(self):
        return self.label(self.name, self.code)

    @staticmethod
    def label(name: str, code: str) -> str:
        """How a département is named (« Bouches-du-Rhône (13) »), also from a row read without the model."""
        return f"{name} ({code})"


class Entity(TimeStampedModel):
    """A labelled entity: the préfecture or a sous-préfecture. The label is awarded per entity."""

    class Kind(models.TextChoices):
        PREFECTURE = "prefecture", "Préfecture"
        SUBPREFECTURE = "subprefecture", "Sous-préfecture"

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="entities", verbose_name="département"
    )
    code = models.SlugField("code", max_length=50)
    name = models.CharField("nom", max_length=150)
    short_name = models.CharField("nom court", max_length=80, blank=True)
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    order = models.PositiveSmallIntegerField("ordre", default=0)

    history = HistoricalRecords()

    scope_path = "pk"

    class Meta:
        verbose_name = "entité labellisée"
        verbose_name_plural = "entités labellisées"
        ordering = ["department__code", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["department", "code"], name="entity_code_unique_in_department"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("sites:entity_detail", args=[self.pk])


class Site(TimeStampedModel):
    """A physical site of an entity (a préfecture may have several in its city)."""

    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="sites", verbose_name="entité")
    code = models.SlugField(
        "code",
        max_length=50,
        unique=True,
        help_text="Identifiant court, utilisé dans les adresses publiques.",
    )
    name = models.CharField("nom", max_length=150)
    address = models.CharField("adresse", max_length=255, blank=True)
    postal_code = models.CharField("code postal", max_length=10, blank=True)
    city = models.CharField("commune", max_length=100, blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    email = models.EmailField("courriel", blank=True)
    opening_hours = models.TextField("horaires d'ouverture", blank=True)
    peak_hours = models.TextField("pics d'affluence", blank=True)
    notes = models.TextField("remarques", blank=True)
    order = models.PositiveSmallIntegerField("ordre", default=0)

    history = HistoricalRecords()

    scope_path = "pk"

    class Meta:
        verbose_name = "site"
        verbose_name_plural = "sites"
        ordering = ["entity__department__code", "entity__order", "order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("sites:site_detail", args=[self.code])


class ReceptionPoint(TimeStampedModel):
    """A service that receives the public on a site (general reception, foreigners, driving licences…)."""

    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="reception_points", verbose_name="site"
    )
    code = models.SlugField("code", max_length=50)
    name = models.CharField("nom", max_length=150)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    email = models.EmailField("courriel", blank=True)
    appointment_url = models.URLField("prise de rendez-vous en ligne", blank=True)
    opening_hours = models.TextField("horaires", blank=True)
    order = models.PositiveSmallIntegerField("ordre", default=0)

    history = HistoricalRecords()

    scope_path = "site"

    class Meta:
        verbose_name = "point d'accueil"
        verbose_name_plural = "points d'accueil"
        ordering = ["site", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "code"], name="reception_point_code_unique_in_site"),
        ]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", "Administrateur"
    QUALITY_MANAGER = "quality_manager", "Chargé(e) de mission qualité"
    SITE_REFERENT = "site_referent", "Référent(e) qualité"
    AGENT = "agent", "Agent d'accueil"
    COMMITTEE = "committee", "Membre du comité de pilotage"
    AUDITOR = "auditor", "Auditeur"


class Membership(TimeStampedModel):
    """A user's role on a scope: a whole département, one entity, or one site.

    `department` is always set (it makes "which département" one filter); `entity` and `site`
    narrow the scope when set.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name="utilisateur"
    )
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="memberships", verbose_name="département"
    )
    entity = models.ForeignKey(
        Entity,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name="entité",
    )
    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships", verbose_name="site"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "affectation"
        verbose_name_plural = "affectations"
        ordering = ["user", "department", "entity", "site"]
        constraints = [
            models.CheckConstraint(
                condition=Q(site__isnull=True) | Q(entity__isnull=False),
                name="membership_site_requires_entity",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "department", "entity", "site"],
                name="membership_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.scope_label}"

    @property
    def scope_label(self):
        return str(self.site or self.entity or self.department)

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.site_id and self.entity_id and self.site.entity_id != self.entity_id:
            raise ValidationError({"site": "Ce site n'appartient pas à l'entité choisie."})
        if self.entity_id and self.entity.department_id != self.department_id:
            raise ValidationError({"entity": "Cette entité n'appartient pas au département choisi."})
