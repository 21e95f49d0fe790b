"""The candidate figures of a site, read from the other apps' figures modules (`<app>/figures.py`) at
preparation time.

Each family returns plain `FigureData`; the snapshot service freezes them into `SnapshotFigure` rows.
Nothing here is ever read by a public page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from complaints.figures import correspondence_figures
from complaints.models import Kind
from indicators.figures import indicator_table
from qualipref import french
from referential.params import parameter_value
from referential.selectors import current_referential
from surveys import figures as surveys
from surveys.models import Campaign

from . import periods
from .models import Section

SATISFACTION, COMPLAINTS, PHONE, WAITING = "satisfaction", "complaints", "phone", "waiting"
FAMILIES = [
    (SATISFACTION, "Satisfaction des usagers par critère (dernière enquête et précédente)"),
    (COMPLAINTS, "Réclamations : part des réponses dans le délai et délai moyen de réponse"),
    (PHONE, "Taux de décroché de l'accueil téléphonique (là où il est mesuré)"),
    (WAITING, "Temps d'attente au guichet (là où il est mesuré)"),
]

# Stable indicator codes of the open-data files (documented on /public/donnees/).
CODE_ON_TIME = "reclamations-repondues-dans-le-delai"
CODE_MEAN_DAYS = "reclamations-delai-moyen-de-reponse"
CODE_PICK_UP = "taux-de-decroche"
CODE_WAITING = "temps-d-attente-au-guichet"
SATISFACTION_PREFIX = "satisfaction-"

# Indicator codes the indicators app may use for the two measured figures (first match wins).
PICK_UP_CODES = ("taux-decroche", "taux-de-decroche", "decroche", "pick-up-rate")
WAITING_CODES = (
    "temps-attente",
    "temps-d-attente",
    "attente-guichet",
    "temps-attente-guichet",
    "waiting-time",
)


@dataclass
class FigureData:
    section: str
    indicator_code: str
    label: str
    period_label: str
    value: Decimal
    unit: str
    source: str
    scope_label: str = ""
    basis: str = ""
    previous_value: Decimal | None = None
    previous_period_label: str = ""


def satisfaction_campaigns(site):
    """Users' campaigns of the site's département with results on the site, closed or published
    (an open campaign's rates are not final), latest first."""
    return list(
        Campaign.objects.filter(
            department_id=site.entity.department_id,
            population=Campaign.Population.USERS,
            status__in=[Campaign.Status.CLOSED, Campaign.Status.PUBLISHED],
            units__site=site,
            units__results__isnull=False,
        )
        .distinct()
        .order_by("-year")
    )


def satisfaction_figures(site, campaign) -> list[FigureData]:
    current = surveys.rates(site_ids=[site.pk], campaign=campaign)
    previous_campaign = surveys.previous_campaign_for(campaign)
    before = (
        {
            (r.unit_code, r.criterion_code): r.rate
            for r in surveys.rates(site_ids=[site.pk], campaign=previous_campaign)
        }
        if previous_campaign is not None
        else {}
    )
    source = (
        campaign.name
        if "enquête" in campaign.name.lower()
        else f"Enquête de satisfaction « {campaign.name} »"
    )
    figures = []
    for row in current:
        previous = before.get((row.unit_code, row.criterion_code))
        basis = (
            f"{row.satisfied} satisfaits ou très satisfaits sur {row.concerned} personnes concernées"
            if row.satisfied is not None and row.concerned
            else ""
        )
        figures.append(
            FigureData(
                section=Section.SATISFACTION,
                indicator_code=f"{SATISFACTION_PREFIX}{row.criterion_code}",
                label=row.criterion_label,
                scope_label=row.unit_name,
                period_label=_campaign_period(campaign),
                value=row.rate,
                unit="%",
                basis=basis,
                source=source,
                previous_value=previous,
                previous_period_label=_campaign_period(previous_campaign) if previous is not None else "",
            )
        )
    return figures


def _campaign_period(campaign) -> str:
    if campaign.starts_on and campaign.ends_on:
        return f"enquête {campaign.year} ({periods.period_label(campaign.starts_on, campaign.ends_on)})"
    return f"enquête {campaign.year}"


def complaint_figures(site, start: dt.date, end: dt.date) -> list[FigureData]:
    def total(a, b):
        rows = correspondence_figures(site_ids=[site.pk], start=a, end=b, kinds=[Kind.COMPLAINT], group_by=())
        return rows[0] if rows else {}

    now = total(start, end)
    if not now.get("on_time_basis"):
        return []
    before_start, before_end = periods.previous_period(start, end)
    before = total(before_start, before_end)
    label, before_label = periods.period_label(start, end), periods.period_label(before_start, before_end)
    has_before = bool(before.get("on_time_basis"))
    days, days_kind = _complaint_deadline(site)
    unit_words = now["days_words"]
    source = (
        "Registre des réclamations du site (réclamations reçues sur la période : répondues, ou dont "
        "l'échéance est passée sans réponse, comptées en retard)"
    )
    figures = [
        FigureData(
            section=Section.COMPLAINTS,
            indicator_code=CODE_ON_TIME,
            label=f"Réclamations ayant reçu une réponse dans le délai de {days} {days_kind}",
            period_label=label,
            value=periods.rounded(now["on_time_share"]),
            unit="%",
            basis=(
                f"{now['answered_on_time']} sur {now['on_time_basis']} réclamations "
                f"({now['answered']} répondues, {now['late_unanswered']} en retard sans réponse)"
            ),
            source=source,
            previous_value=periods.rounded(before.get("on_time_share")) if has_before else None,
            previous_period_label=before_label if has_before else "",
        ),
    ]
    if not now["answered"]:
        return figures
    has_before = bool(before.get("answered"))
    return [
        *figures,
        FigureData(
            section=Section.COMPLAINTS,
            indicator_code=CODE_MEAN_DAYS,
            label=f"Délai moyen de réponse aux réclamations, en {unit_words}",
            period_label=label,
            value=periods.rounded(now["mean_answer_days"]),
            unit="jours",
            basis=f"moyenne sur {now['answered']} réclamations ayant reçu une réponse, en {unit_words}",
            source=source,
            previous_value=periods.rounded(before.get("mean_answer_days")) if has_before else None,
            previous_period_label=before_label if has_before else "",
        ),
    ]


def _complaint_deadline(site) -> tuple[int, str]:
    referential = current_referential()
    department = site.entity.department
    days = parameter_value(referential, "complaint_answer_days", department=department, default=15)
    kind = parameter_value(referential, "complaint_days_kind", department=department, default="calendar")
    return int(days), "jours ouvrés" if kind == "working" else "jours calendaires"


def measured_figures(site, start: dt.date, end: dt.date, family: str) -> list[FigureData]:
    """Pick-up rate or waiting time over the period, when the indicators app measures it on the site."""
    reader = _read_indicator
    codes, code, section, unit = (
        (PICK_UP_CODES, CODE_PICK_UP, Section.PHONE, "%")
        if family == PHONE
        else (WAITING_CODES, CODE_WAITING, Section.WAITING, "minutes")
    )
    found = reader(site, start, end, codes)
    if found is None:
        return []
    before_start, before_end = periods.previous_period(start, end)
    before = reader(site, before_start, before_end, codes)
    return [
        FigureData(
            section=section,
            indicator_code=code,
            label=found["label"],
            period_label=periods.period_label(start, end),
            value=periods.rounded(found["value"]),
            unit=unit,
            basis=found.get("basis", ""),
            source=found.get("source", "Mesure du site"),
            previous_value=periods.rounded(before["value"]) if before else None,
            previous_period_label=periods.period_label(before_start, before_end) if before else "",
        )
    ]


def _read_indicator(site, start, end, codes):
    """A measured indicator of the site over the period, through the indicators app's `indicator_table`
    (the first of `codes` with values), or None when the site does not measure it."""
    rows = indicator_table(
        department=site.entity.department_id, site_ids=[site.pk], start=start, end=end, codes=codes
    )
    for candidate in codes:
        values = [r for r in rows if r["indicator_code"] == candidate and r["value"] is not None]
        if values:
            mean = sum(Decimal(str(r["value"])) for r in values) / len(values)
            months = len(values)
            return {
                "label": values[0]["indicator_name"],
                "value": mean,
                "basis": f"moyenne de {months} mois {french.plural(months, 'mesuré', 'mesurés')}",
                "source": "Mesures du site (système téléphonique ou de gestion de la file d'attente)",
            }
    return None


def candidate_figures(site, *, campaign, start: dt.date, end: dt.date, families) -> list[FigureData]:
    families = set(families)
    figures: list[FigureData] = []
    if SATISFACTION in families and campaign is not None:
        figures += satisfaction_figures(site, campaign)
    if COMPLAINTS in families:
        figures += complaint_figures(site, start, end)
    for family in (PHONE, WAITING):
        if family in families:
            figures += measured_figures(site, start, end, family)
    return figures
