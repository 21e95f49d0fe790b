"""The label's cycle as data: when the next audit of a labelled entity falls.

The rule is pure (`next_audit`): from the referential's cycle, the award date and the last audit done,
the next audit is a surveillance audit `surveillance_interval_months` after the last audit, unless the
renewal audit (`renewal_months_before_expiry` before the label expires) comes first. Nobody types it.
`next_audits` gathers the figures for many label scopes in two queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

SURVEILLANCE, RENEWAL, RECORDED = "surveillance", "renewal", "recorded"
KIND_LABELS = {
    SURVEILLANCE: "audit de surveillance",
    RENEWAL: "audit de renouvellement",
    RECORDED: "audit prévu",
}


@dataclass(frozen=True)
class NextAudit:
    date: dt.date
    kind: str

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


def expiry(cycle, awarded_on: dt.date) -> dt.date:
    """The last day of validity of a label awarded on `awarded_on`."""
    return awarded_on + relativedelta(months=cycle.validity_months, days=-1)


def next_audit(
    cycle, *, awarded_on: dt.date | None, valid_until: dt.date | None = None, last_audit_on=None
) -> NextAudit | None:
    """The next audit due under `cycle` for a label awarded on `awarded_on` (None before the award)."""
    if cycle is None or awarded_on is None:
        return None
    end = valid_until or expiry(cycle, awarded_on)
    renewal = end - relativedelta(months=cycle.renewal_months_before_expiry or 0)
    base = max(awarded_on, last_audit_on) if last_audit_on else awarded_on
    if cycle.surveillance_interval_months:
        surveillance = base + relativedelta(months=cycle.surveillance_interval_months)
        if surveillance < renewal:
            return NextAudit(surveillance, SURVEILLANCE)
    if last_audit_on and last_audit_on >= renewal:
        # The renewal audit is done: the next one belongs to the renewed label's cycle.
        return None
    return NextAudit(renewal, RENEWAL)


# The audit kinds that count in a label's cycle and the statuses of a finished audit (values of
# `audits.models.Audit.Kind` and `Audit.Status`; audits/tests/test_models.py checks they stay equal).
LABEL_AUDIT_KINDS = ("external", "follow_up", "renewal")
AUDIT_DONE_STATUSES = ("report_issued", "closed")


def next_audits(scopes, *, until: dt.date | None = None) -> dict[int, NextAudit | None]:
    """{scope id: next audit} for label scopes (with `module` loaded), in two queries (one when their
    referentials' cycles were read with them); with `until`, as it stood that day (the audits finished
    after it do not count: the annual report of a past year).

    The last audit of a module counts under every version of its referential (a département's version
    edited in the app continues the published one: same module numbers). A scope whose referential has
    no cycle keeps the date recorded on it (the history of the time).
    """
    from django.db.models import Q

    from .models import LabelCycle, Module, Referential

    scopes = list(scopes)
    referentials = {s.module.referential_id: s.module.referential for s in scopes}
    # The cycles read with the scopes (`select_related("module__referential__cycle")`, as
    # `referential.selectors.label_scopes_prefetch` does: None when a referential has none) are not read
    # again; the others are, in one query.
    cycle_of = Referential.cycle.related  # the reverse one-to-one, whose value select_related caches
    cycles = {pk: cycle_of.get_cached_value(r) for pk, r in referentials.items() if cycle_of.is_cached(r)}
    unread = sorted(set(referentials) - set(cycles))
    if unread:
        cycles.update((c.referential_id, c) for c in LabelCycle.objects.filter(referential_id__in=unread))
    cycles = {pk: c for pk, c in cycles.items() if c is not None}
    # The published version each referential is or adapts (only those with a cycle compute a date).
    published = {pk: referentials[pk].published_id for pk in cycles}
    lineages = set(published.values())
    last: dict[tuple[int, int, int], dt.date] = {}
    # The audits of each module, through the modules' reverse relation (audits sits above the
    # referential and is not imported here).
    for entity_id, referential_id, adapts_id, number, end_on in (
        Module.objects.filter(Q(referential_id__in=lineages) | Q(referential__adapts_id__in=lineages))
        .filter(
            number__in={s.module.number for s in scopes},
            audits__entity_id__in={s.entity_id for s in scopes},
            audits__kind__in=LABEL_AUDIT_KINDS,
            audits__status__in=AUDIT_DONE_STATUSES,
        )
        .filter(**({"audits__end_on__lte": until} if until else {}))
        .values_list(
            "audits__entity_id", "referential_id", "referential__adapts_id", "number", "audits__end_on"
        )
    ):
        key = (entity_id, adapts_id or referential_id, number)
        if end_on and (key not in last or end_on > last[key]):
            last[key] = end_on
    result = {}
    for scope in scopes:
        cycle = cycles.get(scope.module.referential_id)
        if cycle is None:
            result[scope.pk] = NextAudit(scope.next_audit_on, RECORDED) if scope.next_audit_on else None
            continue
        result[scope.pk] = next_audit(
            cycle,
            awarded_on=scope.awarded_on,
            valid_until=scope.valid_until,
            last_audit_on=last.get(
                (scope.entity_id, published[scope.module.referential_id], scope.module.number)
            ),
        )
    return result
