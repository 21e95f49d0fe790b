"""Every write of the surveys app: campaigns and their status, criteria, units and their points,
results (form, import, responses) and the anonymous answers of the online questionnaire."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.text import slugify

from referential.models import Engagement
from referential.selectors import current_referential

from . import rates as rules
from .defaults import default_criteria
from .figures import previous_campaign_for
from .models import CAMPAIGN_WORKFLOW, Answer, Campaign, Criterion, Response, Result, SurveyUnit, UnitPoint

CLOSED_MESSAGE = (
    "Cette enquête est close : votre réponse n'a pas été enregistrée. Merci de l'intérêt que vous lui portez."
)
DUPLICATE_MESSAGE = "Votre avis a déjà été enregistré pour cette visite. Merci !"
LOCKED_MESSAGE = "La campagne est publiée : repassez-la au statut « Close » pour modifier ses résultats."
CRITERION_IN_USE_MESSAGE = "Ce critère a déjà des résultats ou des réponses : il ne peut pas être supprimé."
POINT_IN_USE_MESSAGE = "Le point « {text} » est lié à une action : il ne peut pas être supprimé."


def _stamp(obj, by):
    obj._history_user = by
    return obj


# ---- campaigns ----------------------------------------------------------------------------------------


def _engagements_by_key(department=None):
    """The engagements of the version in force for the campaign's département, by (module, code)."""
    referential = current_referential(department=department)
    if referential is None:
        return {}
    return {
        (e.module.number, e.code): e
        for e in Engagement.objects.filter(module__referential=referential).select_related("module")
    }


@transaction.atomic
def criteria_create_defaults(*, campaign: Campaign, by) -> list[Criterion]:
    engagements = _engagements_by_key(campaign.department)
    created = []
    for order, (code, label, question, engagement_key) in enumerate(default_criteria(campaign.population), 1):
        criterion = Criterion(
            campaign=campaign,
            code=code,
            label=label,
            question=question,
            order=order,
            engagement=engagements.get(engagement_key) if engagement_key else None,
        )
        criterion.full_clean()
        _stamp(criterion, by).save()
        created.append(criterion)
    return created


@transaction.atomic
def campaign_create(*, department, by, copy_from_previous: bool = True, **fields) -> Campaign:
    """A new campaign with the default criteria; with `copy_from_previous`, the units (and the criteria
    targets) of the previous campaign of the same population are taken over."""
    campaign = Campaign(department=department, **fields)
    campaign.full_clean()
    _stamp(campaign, by).save()
    previous = previous_campaign_for(campaign) if copy_from_previous else None
    if previous is not None:
        for criterion in previous.criteria.all():
            copy = Criterion(
                campaign=campaign,
                code=criterion.code,
                label=criterion.label,
                synonyms=criterion.synonyms,
                question=criterion.question,
                order=criterion.order,
                engagement_id=criterion.engagement_id,
                target_rate=criterion.target_rate,
            )
            _stamp(copy, by).save()
        for unit in previous.units.prefetch_related("reception_points"):
            new = SurveyUnit(
                campaign=campaign, site_id=unit.site_id, code=unit.code, name=unit.name, order=unit.order
            )
            _stamp(new, by).save()
            new.reception_points.set(unit.reception_points.all())
    else:
        criteria_create_defaults(campaign=campaign, by=by)
    return campaign


@transaction.atomic
def campaign_update(*, campaign: Campaign, by, **fields) -> Campaign:
    for name, value in fields.items():
        setattr(campaign, name, value)
    campaign.full_clean()
    _stamp(campaign, by).save()
    return campaign


@transaction.atomic
def campaign_transition(*, campaign: Campaign, status: str, by) -> Campaign:
    """The one place a campaign's status changes: checked against the workflow, who and when recorded."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    CAMPAIGN_WORKFLOW.check(campaign.status, status)
    campaign.status = status
    campaign.status_changed_at = timezone.now()
    campaign.status_changed_by = by
    campaign.full_clean()
    _stamp(campaign, by).save()
    return campaign


# ---- criteria -----------------------------------------------------------------------------------------


@transaction.atomic
def criterion_save(*, criterion: Criterion, by) -> Criterion:
    criterion.full_clean()
    _stamp(criterion, by).save()
    return criterion


@transaction.atomic
def criterion_delete(*, criterion: Criterion, by) -> None:
    if criterion.results.exists() or criterion.answers.exists():
        raise ValidationError(CRITERION_IN_USE_MESSAGE)
    _stamp(criterion, by).delete()


# ---- units and their points ---------------------------------------------------------------------------


def unique_unit_code(campaign: Campaign, name: str, exclude_pk=None) -> str:
    base = slugify(name)[:50] or "unite"
    code, n = base, 2
    taken = set(
        SurveyUnit.objects.filter(campaign=campaign).exclude(pk=exclude_pk).values_list("code", flat=True)
    )
    while code in taken:
        code, n = f"{base}-{n}", n + 1
    return code


def _has_actions(point: UnitPoint) -> bool:
    # The action-plans app may not be installed yet: read its reverse relation only when it exists.
    return hasattr(point, "actions") and point.actions.exists()


@transaction.atomic
def unit_points_set(*, unit: SurveyUnit, kind: str, texts: list[str], by) -> None:
    """Make the unit's points of `kind` equal to `texts` (in that order), keeping the rows whose text is
    unchanged (actions linked to them stay linked)."""
    texts = [t.strip() for t in texts if t and t.strip()]
    existing = list(unit.points.filter(kind=kind).order_by("order", "pk"))
    by_text = defaultdict(list)
    for point in existing:
        by_text[point.text].append(point)
    kept = set()
    for order, text in enumerate(texts, 1):
        point = by_text[text].pop(0) if by_text.get(text) else UnitPoint(unit=unit, kind=kind, text=text)
        if point.pk is None or point.order != order:
            point.order = order
            point.full_clean()
            _stamp(point, by).save()
        kept.add(point.pk)
    for point in existing:
        if point.pk not in kept:
            if _has_actions(point):
                raise ValidationError(POINT_IN_USE_MESSAGE.format(text=point.text))
            _stamp(point, by).delete()


@transaction.atomic
def unit_save(
    *,
    unit: SurveyUnit,
    by,
    reception_points=None,
    strengths: list[str] | None = None,
    vigilance: list[str] | None = None,
) -> SurveyUnit:
    if not unit.code:
        unit.code = unique_unit_code(unit.campaign, unit.name, exclude_pk=unit.pk)
    unit.full_clean()
    _stamp(unit, by).save()
    if reception_points is not None:
        wrong = [p for p in reception_points if p.site_id != unit.site_id]
        if wrong:
            raise ValidationError({"reception_points": "Choisissez des points d'accueil du site de l'unité."})
        unit.reception_points.set(reception_points)
    if strengths is not None:
        unit_points_set(unit=unit, kind=UnitPoint.Kind.STRENGTH, texts=strengths, by=by)
    if vigilance is not None:
        unit_points_set(unit=unit, kind=UnitPoint.Kind.VIGILANCE, texts=vigilance, by=by)
    return unit


# ---- results ------------------------------------------------------------------------------------------


def _check_unlocked(campaign: Campaign):
    if campaign.results_locked:
        raise ValidationError(LOCKED_MESSAGE)


def result_set(
    *,
    unit: SurveyUnit,
    criterion: Criterion,
    rate: Decimal,
    source: str,
    by,
    satisfied: int | None = None,
    concerned: int | None = None,
) -> bool:
    """Create or update one result; True when something changed."""
    result = Result.objects.filter(unit=unit, criterion=criterion).first()
    if result is None:
        result = Result(unit=unit, criterion=criterion)
    elif (result.rate, result.satisfied, result.concerned, result.source) == (
        Decimal(rate),
        satisfied,
        concerned,
        source,
    ):
        return False
    result.rate, result.satisfied, result.concerned, result.source = rate, satisfied, concerned, source
    result.full_clean(validate_unique=False)
    _stamp(result, by).save()
    return True


@transaction.atomic
def results_save(*, campaign: Campaign, values: dict, by, source: str = Result.Source.FORM) -> int:
    """Save rates entered for (unit, criterion) pairs; a None value deletes a typed or imported result.

    Results computed from online responses are left alone (they are recomputed at each response).
    """
    _check_unlocked(campaign)
    changed = 0
    existing = {(r.unit_id, r.criterion_id): r for r in Result.objects.filter(unit__campaign=campaign)}
    for (unit, criterion), rate in values.items():
        if unit.campaign_id != campaign.pk or criterion.campaign_id != campaign.pk:
            raise ValidationError("Unité ou critère d'une autre campagne.")
        current = existing.get((unit.pk, criterion.pk))
        if current is not None and current.source == Result.Source.RESPONSES:
            continue
        if rate is None:
            if current is not None:
                _stamp(current, by).delete()
                changed += 1
            continue
        changed += result_set(unit=unit, criterion=criterion, rate=rate, source=source, by=by)
    return changed


@transaction.atomic
def unit_rates_recompute(*, unit: SurveyUnit) -> None:
    """Rates of a unit from its online answers, in one grouped query."""
    counts = (
        Answer.objects.filter(response__unit=unit)
        .values("criterion_id")
        .annotate(
            concerned=Count("pk", filter=Q(value__gte=Answer.Value.VERY_DISSATISFIED)),
            satisfied=Count("pk", filter=Q(value__gte=Answer.Value.SATISFIED)),
        )
    )
    criteria = {c.pk: c for c in unit.campaign.criteria.all()}
    for row in counts:
        rate = rules.satisfaction_rate(row["satisfied"], row["concerned"])
        criterion = criteria[row["criterion_id"]]
        if rate is None:
            Result.objects.filter(unit=unit, criterion=criterion, source=Result.Source.RESPONSES).delete()
            continue
        result_set(
            unit=unit,
            criterion=criterion,
            rate=rate,
            satisfied=row["satisfied"],
            concerned=row["concerned"],
            source=Result.Source.RESPONSES,
            by=None,
        )


# ---- the online questionnaire -------------------------------------------------------------------------


@transaction.atomic
def response_submit(*, unit: SurveyUnit, token: str, answers: dict[int, int], comment: str = "") -> Response:
    """Record one anonymous submission and recompute the unit's rates.

    Refused (ValidationError, nothing saved) when the campaign is not open, when an answer is missing or
    when this visit's token was already used.
    """
    campaign = Campaign.objects.select_for_update().get(pk=unit.campaign_id)
    if not campaign.is_open:
        raise ValidationError(CLOSED_MESSAGE, code="closed")
    criteria = list(campaign.criteria.all())
    missing = [c.label for c in criteria if c.pk not in answers]
    if missing:
        raise ValidationError(f"Réponse manquante : {', '.join(missing)}.", code="missing")
    if Response.objects.filter(token=token).exists():
        raise ValidationError(DUPLICATE_MESSAGE, code="duplicate")
    response = Response(unit=unit, token=token, comment=comment.strip())
    response.full_clean()
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError:
        raise ValidationError(DUPLICATE_MESSAGE, code="duplicate") from None
    Answer.objects.bulk_create(
        [Answer(response=response, criterion_id=c.pk, value=int(answers[c.pk])) for c in criteria]
    )
    unit_rates_recompute(unit=unit)
    return response
