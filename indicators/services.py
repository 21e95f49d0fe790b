"""Every write of the indicators app: definitions, targets, measurements (upsert), API clients."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from qualipref.bounds import date_window_error
from sites.access import WRITE, require, scope_for

from .models import ApiClient, Indicator, Measurement, Target

COMPUTED_NOT_ENTERED = (
    "« {name} » est calculé à partir des données de Qualipref : il ne se saisit pas (une donnée, une source)."
)
SITE_OUTSIDE_DEPARTMENT = "Le site « {site} » n'appartient pas au département de l'indicateur."
FUTURE_PERIOD = "La période {period} n'est pas encore écoulée : on ne mesure pas l'avenir."
NO_WRITE_ON_SITE = "Votre rôle ne permet pas d'enregistrer des mesures pour le site « {site} »."
TOKEN_PREFIX = "qp_"


# ---- definitions and targets ------------------------------------------------------------------------


@transaction.atomic
def indicator_save(*, indicator: Indicator, by) -> Indicator:
    """Create or change a definition (département-wide: quality manager or admin)."""
    if indicator.department_id not in scope_for(by).ids("department", WRITE):
        raise PermissionDenied("Votre rôle ne permet pas de modifier les indicateurs de ce département.")
    indicator.full_clean()
    indicator.save()
    return indicator


@transaction.atomic
def target_save(*, target: Target, by) -> Target:
    require(by, WRITE, target)
    target.full_clean()
    target.save()
    return target


@transaction.atomic
def target_delete(*, target: Target, by) -> None:
    require(by, WRITE, target)
    target.delete()


# ---- measurements -----------------------------------------------------------------------------------


def normalise_period(indicator: Indicator, period: dt.date) -> dt.date:
    """A monthly indicator's period is its month's first day; a daily one keeps its day."""
    return period if indicator.frequency == Indicator.Frequency.DAILY else period.replace(day=1)


def measurement_errors(
    *, indicator: Indicator, site, period: dt.date, value: Decimal, today=None
) -> dict[str, str]:
    """Why this measurement cannot be recorded (field → French message); empty when it can."""
    today = today or timezone.localdate()
    errors = {}
    if indicator.is_computed:
        errors["indicator"] = COMPUTED_NOT_ENTERED.format(name=indicator.name)
    if site.entity.department_id != indicator.department_id:
        errors["site"] = SITE_OUTSIDE_DEPARTMENT.format(site=site)
    limit = today if indicator.frequency == Indicator.Frequency.DAILY else today.replace(day=1)
    if normalise_period(indicator, period) > limit:
        errors["period"] = FUTURE_PERIOD.format(
            period=period.strftime("%d/%m/%Y" if period != limit else "%m/%Y")
        )
    elif (message := date_window_error(period, today)) is not None:
        errors["period"] = message
    if (message := indicator.range_error(value)) is not None:
        errors["value"] = message
    return errors


def measurement_record(
    *,
    indicator: Indicator,
    site,
    period: dt.date,
    value: Decimal,
    source: str,
    by=None,
    api_client: ApiClient | None = None,
    comment: str = "",
    today=None,
) -> tuple[Measurement, str]:
    """Record a value: creates the (indicator, site, period) row or updates it (history keeps the old value).

    Returns (measurement, outcome) where outcome is "created", "updated" or "unchanged".
    `by` must hold WRITE on the site; an API client must have the site in its scope (checked by the API).
    """
    if by is not None and not scope_for(by).allows(site, WRITE):
        raise PermissionDenied(NO_WRITE_ON_SITE.format(site=site))
    value = Decimal(str(value))
    errors = measurement_errors(indicator=indicator, site=site, period=period, value=value, today=today)
    if errors:
        raise ValidationError(errors)
    period = normalise_period(indicator, period)
    fields = {
        "value": value,
        "source": source,
        "recorded_by": by,
        "api_client": api_client,
        "comment": comment,
    }
    with transaction.atomic():
        existing = (
            Measurement.objects.select_for_update()
            .filter(indicator=indicator, site=site, period=period)
            .first()
        )
        if existing is None:
            measurement = Measurement(indicator=indicator, site=site, period=period, **fields)
            measurement.full_clean(validate_unique=False)
            try:
                with transaction.atomic():  # a concurrent call may have inserted it meanwhile
                    measurement.save()
                return measurement, "created"
            except IntegrityError:
                existing = Measurement.objects.select_for_update().get(
                    indicator=indicator, site=site, period=period
                )
        if existing.value == value and existing.comment == comment:
            return existing, "unchanged"
        for name, new in fields.items():
            setattr(existing, name, new)
        existing.full_clean(validate_unique=False)
        existing.save()
        return existing, "updated"


@transaction.atomic
def measurement_delete(*, measurement: Measurement, by) -> None:
    require(by, WRITE, measurement)
    measurement.delete()


# ---- API clients ------------------------------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_client_create(*, department, name: str, sites, by) -> tuple[ApiClient, str]:
    """Create a client and return its token (shown once: only its hash is stored)."""
    if department.pk not in scope_for(by).ids("department", WRITE):
        raise PermissionDenied("Votre rôle ne permet pas de créer un accès à l'API pour ce département.")
    sites = list(sites)
    if not sites:
        raise ValidationError({"sites": "Choisissez au moins un site."})
    foreign = [s for s in sites if s.entity.department_id != department.pk]
    if foreign:
        raise ValidationError({"sites": f"Le site « {foreign[0]} » n'appartient pas à ce département."})
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    client = ApiClient(
        department=department, name=name, token_prefix=token[:10], token_hash=hash_token(token), created_by=by
    )
    client.full_clean()
    client.save()
    client.sites.set(sites)
    return client, token


@transaction.atomic
def api_client_revoke(*, client: ApiClient, by) -> ApiClient:
    require(by, WRITE, client)
    client.active = False
    client.revoked_at = timezone.now()
    client.save(update_fields=["active", "revoked_at", "updated_at"])
    return client


def api_client_authenticate(token: str) -> ApiClient | None:
    if not token or not token.startswith(TOKEN_PREFIX):
        return None
    client = (
        ApiClient.objects.filter(token_hash=hash_token(token), active=True).prefetch_related("sites").first()
    )
    if client is not None:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
    return client
