"""Every write of the indicators app: definitions, targets, measurements (upsert), API clients."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from qualipref import versions
from qualipref.bounds import date_window_error
from sites.access import WRITE, require, scope_for
from sites.models import Site

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


@dataclass(frozen=True)
class MeasurementInput:
    """One measurement as a system sends it: indicator and site by their codes."""

    indicator: str
    site: str
    period: dt.date
    value: Decimal
    comment: str = ""


class MeasurementsRefused(Exception):
    """Nothing was recorded; `errors` lists the problems as {"index", "field", "message"} (index from 0)."""

    message = "Mesures invalides : rien n'a été enregistré."

    def __init__(self, errors: list[dict]):
        super().__init__(self.message)
        self.errors = errors


def measurements_push(
    *, client: ApiClient, items: list[MeasurementInput], today=None
) -> list[tuple[Measurement, str]]:
    """Record a batch sent by an API client, all or nothing, through `measurement_record`.

    Codes are resolved in the client's département; a site outside the client's scope raises
    PermissionDenied (naming the sites), any other problem MeasurementsRefused with every item's reasons.
    """
    indicators = {
        i.code: i
        for i in Indicator.objects.filter(
            department_id=client.department_id, code__in={m.indicator for m in items}
        )
    }
    sites = {
        s.code: s for s in Site.objects.select_related("entity").filter(code__in={m.site for m in items})
    }
    errors = []
    for index, item in enumerate(items):
        if item.indicator not in indicators:
            errors.append(_item_error(index, "indicator", f"Indicateur inconnu : « {item.indicator} »."))
        if item.site not in sites:
            errors.append(_item_error(index, "site", f"Site inconnu : « {item.site} »."))
    if errors:
        raise MeasurementsRefused(errors)
    allowed = {s.pk for s in client.sites.all()}
    outside = sorted({item.site for item in items if sites[item.site].pk not in allowed})
    if outside:
        raise PermissionDenied(
            f"Ce jeton ne couvre pas {'les sites' if len(outside) > 1 else 'le site'} : {', '.join(outside)}."
        )
    for index, item in enumerate(items):
        problems = measurement_errors(
            indicator=indicators[item.indicator], site=sites[item.site], period=item.period, value=item.value,
            today=today,
        )  # fmt: skip
        errors.extend(_item_error(index, field, message) for field, message in problems.items())
    if errors:
        raise MeasurementsRefused(errors)
    try:
        with transaction.atomic():
            return [
                measurement_record(
                    indicator=indicators[item.indicator],
                    site=sites[item.site],
                    period=item.period,
                    value=item.value,
                    comment=item.comment,
                    source=Measurement.Source.API,
                    api_client=client,
                    today=today,
                )
                for item in items
            ]
    except ValidationError as exc:
        raise MeasurementsRefused([_item_error(None, "", message) for message in exc.messages]) from exc


def _item_error(index: int | None, field: str, message: str) -> dict:
    return {"index": index, "field": field, "message": message}


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
        with versions.writes_for([client.department_id]):  # its département's, not every one's
            ApiClient.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
    return client
