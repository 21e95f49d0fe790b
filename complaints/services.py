"""Every write on requests: creation, edits, status changes (one service), answers, imports, retention."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from referential.params import CURRENT, parameter_value, parameters_in_force
from referential.selectors import current_referential

from . import deadlines
from .deadline_rule import (  # noqa: F401 (HOLIDAY_SUBDIVISIONS re-exported)
    HOLIDAY_SUBDIVISIONS,
    DeadlineRule,
    deadline_rule_errors,
    holiday_subdivision,
    rule_keys,
)
from .models import (
    DUPLICATE_REQUEST,
    KIND_PREFIX,
    WORKFLOW,
    Correspondence,
    CorrespondencePause,
    DaysKind,
    Kind,
    ReferenceSequence,
    Status,
)

DEFAULT_DEADLINE = {
    Kind.COMPLAINT: (15, DaysKind.CALENDAR),
    Kind.SUGGESTION: (15, DaysKind.CALENDAR),
    Kind.LETTER: (15, DaysKind.WORKING),
    Kind.EMAIL: (5, DaysKind.WORKING),
    Kind.ELECTED_REQUEST: (8, DaysKind.WORKING),
    Kind.OBSERVATION_LETTER: (60, DaysKind.CALENDAR),
}

ERROR_ANSWER_BEFORE_RECEIPT = "La date de réponse ne peut pas précéder la date de réception."
ERROR_DATE_BEFORE_RECEIPT = "Cette date ne peut pas précéder la date de réception."
ERROR_ANSWER_REQUIRED = "Saisissez le texte de la réponse."
ERROR_FUTURE = "Cette date ne peut pas être dans le futur."
ERROR_POINT_OTHER_SITE = "Ce point d'accueil n'appartient pas au site choisi."


def deadline_rule(department, kind: str) -> tuple[int, str]:
    """(days, calendar|working) for a kind of request, from the referential parameters in force."""
    rule = deadline_rule_in_force(department, kind)
    return rule.days, rule.days_kind


def deadline_rule_in_force(department, kind: str, *, referential=None) -> DeadlineRule:
    """The whole rule for a kind of request (days, which days, whether waiting for the requester pauses
    it), from the département's parameters in force, else the referential's, else the defaults."""
    return _rules_in_force(department, [kind], referential=referential)[0]


def deadline_rules(department) -> list[DeadlineRule]:
    """The rule in force for every kind of request, in the order of `Kind`."""
    return _rules_in_force(department, Kind.values)


def _rules_in_force(department, kinds, *, referential=None) -> list[DeadlineRule]:
    """The rules of these kinds in one query, the referential in force (when none is given) included."""
    keys = {kind: rule_keys(kind) for kind in kinds}
    defaults = {}
    for kind in kinds:
        days, days_kind = DEFAULT_DEADLINE[Kind(kind)]
        defaults.update(
            {keys[kind]["days"]: days, keys[kind]["days_kind"]: days_kind, keys[kind]["pauses"]: True}
        )
    values = parameters_in_force(referential or CURRENT, defaults, department=department)
    return [
        DeadlineRule(
            kind,
            int(values[keys[kind]["days"]]),
            str(values[keys[kind]["days_kind"]]),
            bool(values[keys[kind]["pauses"]]),
        )
        for kind in kinds
    ]


def deadline_rules_set(*, department, rules: list[DeadlineRule], by) -> int:
    """Record the département's deadline rules (its own parameters, overriding the referential's). They
    apply to requests received from now on: each request keeps the rule stored on it at receipt, so no
    existing deadline moves. Returns the number of parameters changed."""
    from referential.models import Parameter

    errors = [message for rule in rules for message in deadline_rule_errors(rule)]
    if errors:
        raise ValidationError(errors)
    referential = current_referential()
    if referential is None:
        raise ValidationError("Aucun référentiel n'est chargé : les délais ne peuvent pas être enregistrés.")
    changed = 0
    with transaction.atomic():
        for rule in rules:
            label = Kind(rule.kind).label.lower()
            keys = rule_keys(rule.kind)
            for key, (value, value_type, choices, unit, text) in {
                "days": (str(rule.days), "int", "", "jours", f"Délai de réponse ({label})"),
                "days_kind": (
                    rule.days_kind, "choice", ",".join(DaysKind.values), "", f"Décompte du délai ({label})"
                ),
                "pauses": (
                    "true" if rule.pauses else "false", "bool", "", "",
                    f"Délai suspendu pendant l'attente du requérant ({label})",
                ),
            }.items():  # fmt: skip
                row = Parameter.objects.filter(
                    referential=referential, department=department, key=keys[key]
                ).first()
                if row is not None and row.value == value:
                    continue
                row = row or Parameter(referential=referential, department=department, key=keys[key])
                row.label, row.value_type, row.value, row.choices, row.unit = (
                    text,
                    value_type,
                    value,
                    choices,
                    unit,
                )
                row._history_user = by if getattr(by, "pk", None) else None
                row.full_clean()
                row.save()
                changed += 1
    return changed


def _take_rule(correspondence: Correspondence, department) -> None:
    """Store on the request the rule in force for its kind: it keeps it whatever the rule becomes."""
    rule = deadline_rule_in_force(department, correspondence.kind)
    correspondence.deadline_days, correspondence.deadline_kind, correspondence.deadline_pauses = (
        rule.days,
        rule.days_kind,
        rule.pauses,
    )


def department_parameter(department, key: str, default):
    """The parameter's value for the département in the referential in force (one query)."""
    return parameter_value(CURRENT, key, department=department, default=default)


def _pauses(correspondence: Correspondence) -> list[deadlines.Pause]:
    """The spans that stop the request's clock: its waits for the requester, when its rule says so."""
    if not correspondence.deadline_pauses:
        return []
    return [deadlines.Pause(p.start, p.end) for p in correspondence.pauses.all()]


def _department(correspondence: Correspondence):
    return correspondence.site.entity.department


def compute_due_on(correspondence: Correspondence, *, today: dt.date, pauses=None) -> dt.date:
    pauses = (_pauses(correspondence) if pauses is None else pauses) if correspondence.deadline_pauses else []
    as_of = max(today, correspondence.received_on)
    return deadlines.due_date(
        correspondence.received_on,
        correspondence.deadline_days,
        correspondence.deadline_kind,
        pauses,
        as_of=as_of,
        subdiv=holiday_subdivision(_department(correspondence)),
    )


def _refresh_deadline_figures(correspondence: Correspondence, *, today: dt.date) -> None:
    """Recompute the stored due date and, once answered, the answer time and whether it was on time."""
    pauses = _pauses(correspondence) if correspondence.pk else []
    correspondence.due_on = compute_due_on(correspondence, today=today, pauses=pauses)
    if correspondence.answered_on:
        subdiv = holiday_subdivision(_department(correspondence))
        correspondence.answer_days = deadlines.elapsed_days(
            correspondence.received_on,
            correspondence.answered_on,
            correspondence.deadline_kind,
            pauses,
            subdiv=subdiv,
        )
        correspondence.answered_on_time = deadlines.is_on_time(
            correspondence.received_on,
            correspondence.answered_on,
            correspondence.deadline_days,
            correspondence.deadline_kind,
            pauses,
            subdiv=subdiv,
        )
    else:
        correspondence.answer_days = None
        correspondence.answered_on_time = None


def _check_dates(correspondence: Correspondence, *, today: dt.date) -> None:
    errors = {}
    if correspondence.received_on and correspondence.received_on > today:
        errors["received_on"] = ERROR_FUTURE
    for name in ("acknowledged_on", "closed_on"):
        value = getattr(correspondence, name)
        if value and correspondence.received_on and value < correspondence.received_on:
            errors[name] = ERROR_DATE_BEFORE_RECEIPT
    if (
        correspondence.answered_on
        and correspondence.received_on
        and correspondence.answered_on < correspondence.received_on
    ):
        errors["answered_on"] = ERROR_ANSWER_BEFORE_RECEIPT
    if correspondence.reception_point_id and correspondence.reception_point.site_id != correspondence.site_id:
        errors["reception_point"] = ERROR_POINT_OTHER_SITE
    if errors:
        raise ValidationError(errors)


def next_reference(department, kind: str, year: int) -> str:
    """The next public reference of a département and year, e.g. "REC-84-2015-0042" (row-locked)."""
    ReferenceSequence.objects.get_or_create(department=department, year=year)
    sequence = ReferenceSequence.objects.select_for_update().get(department=department, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{KIND_PREFIX[Kind(kind)]}-{department.code}-{year}-{sequence.last:04d}"


def _save(correspondence: Correspondence, by) -> None:
    correspondence._history_user = by
    correspondence.full_clean()
    try:
        with transaction.atomic():
            correspondence.save()
    except IntegrityError:
        # a simultaneous save of the same request (double click, parallel import) won the race
        raise ValidationError(DUPLICATE_REQUEST) from None


@transaction.atomic
def correspondence_create(
    *, site, by, today: dt.date | None = None, reference: str = "", **fields
) -> Correspondence:
    """Log a new request; its deadline rule is taken from the parameters in force for the département."""
    today = today or timezone.localdate()
    department = site.entity.department
    correspondence = Correspondence(site=site, created_by=by if getattr(by, "pk", None) else None, **fields)
    _take_rule(correspondence, department)
    if correspondence.received_on is None:
        raise ValidationError({"received_on": "Saisissez la date de réception."})
    _check_dates(correspondence, today=today)
    correspondence.reference = reference or next_reference(
        department, correspondence.kind, correspondence.received_on.year
    )
    correspondence.status = (
        Status.CLOSED
        if correspondence.closed_on
        else Status.ANSWERED
        if correspondence.answered_on
        else Status.ACKNOWLEDGED
        if correspondence.acknowledged_on
        else Status.RECEIVED
    )
    if correspondence.closed_on and not correspondence.answered_on:
        raise ValidationError({"answered_on": "Une demande clôturée doit avoir une date de réponse."})
    correspondence.status_changed_at, correspondence.status_changed_by = (
        timezone.now(),
        correspondence.created_by,
    )
    _refresh_deadline_figures(correspondence, today=today)
    _save(correspondence, by)
    return correspondence


EDITABLE_FIELDS = (
    "kind",
    "channel",
    "reception_point",
    "received_on",
    "subject",
    "description",
    "requester_name",
    "requester_contact",
    "assigned_to",
)


@transaction.atomic
def correspondence_update(
    *, correspondence: Correspondence, by, today: dt.date | None = None, **fields
) -> Correspondence:
    """Edit the request's fields (not its status); the due date is recomputed."""
    today = today or timezone.localdate()
    correspondence = (
        Correspondence.objects.select_for_update()
        .select_related("site__entity__department")
        .get(pk=correspondence.pk)
    )
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    kind_changed = "kind" in fields and fields["kind"] != correspondence.kind
    for name, value in fields.items():
        setattr(correspondence, name, value)
    if kind_changed:
        _take_rule(correspondence, _department(correspondence))
    _check_dates(correspondence, today=today)
    _refresh_deadline_figures(correspondence, today=today)
    _save(correspondence, by)
    return correspondence


@transaction.atomic
def correspondence_transition(
    *,
    correspondence: Correspondence,
    to: str,
    by,
    on: dt.date | None = None,
    answer: str | None = None,
    reason: str = "",
    today: dt.date | None = None,
) -> Correspondence:
    """The one place where a request changes status: checks the map, records who and when.

    - to acknowledged: sets the acknowledgement date (`on`, default today);
    - to waiting: opens a pause from `on`; leaving waiting closes it on `on`;
    - to answered: needs the answer text and sets the answer date (`on`), the answer time and
      whether it was on time;
    - to closed: sets the closing date;
    - answered/closed → in progress (reopen): clears the answer date and closing date.
    """
    today = today or timezone.localdate()
    on = on or today
    correspondence = (
        Correspondence.objects.select_for_update()
        .select_related("site__entity__department")
        .get(pk=correspondence.pk)
    )
    WORKFLOW.check(correspondence.status, to)
    if on > today:
        raise ValidationError({"on": ERROR_FUTURE})
    if on < correspondence.received_on:
        raise ValidationError(
            {"on": ERROR_ANSWER_BEFORE_RECEIPT if to == Status.ANSWERED else ERROR_DATE_BEFORE_RECEIPT}
        )
    previous = correspondence.status
    if previous == Status.WAITING:
        open_pause = correspondence.pauses.filter(end__isnull=True).first()
        if open_pause:
            if on < open_pause.start:
                raise ValidationError({"on": "La reprise ne peut pas précéder la suspension."})
            open_pause.end = on
            open_pause.full_clean()
            open_pause.save()
    if to == Status.ACKNOWLEDGED:
        correspondence.acknowledged_on = on
    elif to == Status.WAITING:
        CorrespondencePause.objects.create(correspondence=correspondence, start=on, reason=reason[:255])
    elif to == Status.ANSWERED:
        text = (answer if answer is not None else correspondence.answer).strip()
        if not text:
            raise ValidationError({"answer": ERROR_ANSWER_REQUIRED})
        correspondence.answer, correspondence.answered_on = text, on
    elif to == Status.CLOSED:
        correspondence.closed_on = on
    elif to == Status.IN_PROGRESS and previous in (Status.ANSWERED, Status.CLOSED):
        correspondence.answered_on = correspondence.closed_on = None
    correspondence.status = to
    correspondence.status_changed_at, correspondence.status_changed_by = timezone.now(), by
    _refresh_deadline_figures(correspondence, today=today)
    _save(correspondence, by)
    if to == Status.ANSWERED and previous != Status.ANSWERED:
        from .mail import send_answered

        send_answered(correspondence)
    return correspondence


def correspondence_answer(
    *, correspondence: Correspondence, by, answered_on: dt.date, answer: str, today=None
) -> Correspondence:
    return correspondence_transition(
        correspondence=correspondence, to=Status.ANSWERED, by=by, on=answered_on, answer=answer, today=today
    )


@transaction.atomic
def correspondence_import(
    *, site, by, fields: dict, reference: str = "", today=None
) -> tuple[Correspondence, bool]:
    """Create a historical request unless the same one is already there (by reference, else by
    site, date of receipt, subject and requester). Returns (request, created)."""
    if reference:
        existing = Correspondence.objects.filter(reference=reference).first()
    else:
        existing = Correspondence.objects.filter(
            site=site,
            received_on=fields["received_on"],
            subject=fields["subject"],
            requester_name=fields.get("requester_name", ""),
        ).first()
    if existing is not None:
        return existing, False
    try:
        return correspondence_create(site=site, by=by, reference=reference, today=today, **fields), True
    except ValidationError as exc:
        if DUPLICATE_REQUEST not in exc.messages:
            raise
        return _identical(site, reference, fields), False


def _identical(site, reference, fields) -> Correspondence:
    if reference:
        return Correspondence.objects.get(reference=reference)
    return Correspondence.objects.get(
        site=site,
        received_on=fields["received_on"],
        subject=fields["subject"],
        requester_name=fields.get("requester_name", ""),
    )


@transaction.atomic
def correspondences_anonymise(*, today: dt.date | None = None) -> int:
    """Blank the requester's personal data N years after closure (N: personal_data_retention_years).

    Figures (dates, answer times, on-time flags) stay. The history rows are scrubbed too, since they
    hold copies of the personal data.
    """
    from sites.models import Department

    today = today or timezone.localdate()
    done = 0
    for department in Department.objects.all():
        years = int(department_parameter(department, "personal_data_retention_years", 5))
        try:
            limit = today.replace(year=today.year - years)
        except ValueError:  # 29 February
            limit = today.replace(year=today.year - years, day=28)
        ids = list(
            Correspondence.objects.filter(
                site__entity__department=department,
                status=Status.CLOSED,
                closed_on__lte=limit,
                anonymised_on__isnull=True,
            ).values_list("pk", flat=True)
        )
        if not ids:
            continue
        # Plain UPDATEs: no new history row copying the data we are removing.
        Correspondence.objects.filter(pk__in=ids).update(
            requester_name="", requester_contact="", anonymised_on=today
        )
        Correspondence.history.filter(id__in=ids).update(requester_name="", requester_contact="")
        done += len(ids)
    return done


def model_answer_save(*, instance, by):
    instance._history_user = by
    instance.full_clean()
    instance.save()
    return instance
