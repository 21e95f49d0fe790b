"""Label readiness of an entity, per module: a pure rule over plain figures (no Django, no database).

The selector `audits.selectors.readiness_overview` gathers the figures; this module only decides:

- not ready: an open finding of a type that blocks the label (a major non-conformity), or, when the next
  audit is near, open non-conformities or findings that still have no action;
- at risk: open non-conformities, findings requiring an action with none planned, overdue actions,
  criteria never self-assessed or not compliant at the last self-assessment;
- ready otherwise.

Each reason is a French sentence, listed with its level.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import ngettext

from qualipref import french
from qualipref.humandates import since

READY, AT_RISK, NOT_READY = "ready", "at_risk", "not_ready"
LABELS = {READY: "Prêt", AT_RISK: "À surveiller", NOT_READY: "Pas prêt"}
BADGES = {READY: "success", AT_RISK: "warning", NOT_READY: "danger"}
_RANK = {READY: 0, AT_RISK: 1, NOT_READY: 2}

NEAR_AUDIT_DAYS = 60
MAX_CODES_SHOWN = 5


@dataclass(frozen=True)
class TypeCount:
    """Open findings of one finding type (only types that call for an action are counted)."""

    label: str
    label_plural: str
    count: int
    blocks_label: bool = False


@dataclass(frozen=True)
class ModuleInputs:
    module_number: int
    module_title: str
    open_by_type: tuple[TypeCount, ...] = ()
    without_action: int = 0
    overdue_actions: int = 0
    never_self_assessed: tuple[str, ...] = ()
    not_compliant_last: tuple[str, ...] = ()
    days_to_next_audit: int | None = None
    next_audit_on: dt.date | None = None  # the date behind `days_to_next_audit`, to say it as a date


@dataclass(frozen=True)
class Reason:
    level: str
    text: str


@dataclass
class ModuleReadiness:
    module_number: int
    module_title: str
    status: str
    reasons: list[Reason] = field(default_factory=list)
    days_to_next_audit: int | None = None
    next_audit_on: dt.date | None = None

    @property
    def label(self):
        return LABELS[self.status]

    @property
    def badge(self):
        return BADGES[self.status]


@dataclass
class EntityReadiness:
    entity_id: int
    entity_name: str
    modules: list[ModuleReadiness]
    days_to_next_audit: int | None = None
    next_audit_on: dt.date | None = None

    @property
    def status(self) -> str:
        return worst(m.status for m in self.modules) if self.modules else READY

    @property
    def label(self):
        return LABELS[self.status]

    @property
    def badge(self):
        return BADGES[self.status]

    @property
    def summary(self) -> str:
        """The status in plain French with its main reason: « À surveiller : 2 non-conformités mineures à
        traiter (Module 1) », « Prêt : aucun point ouvert »."""
        worst_reasons = [(where, r) for where, r in self.reasons if r.level == self.status]
        if not worst_reasons:
            return f"{self.label} : aucun point ouvert"
        where, first = worst_reasons[0]
        text = f"{self.label} : {first.text} ({where})"
        others = len(self.reasons) - 1
        if others > 0:
            text += " " + ngettext("et %(n)d autre point", "et %(n)d autres points", others) % {"n": others}
        return text

    @property
    def reasons(self) -> list[tuple[str, Reason]]:
        return [
            (f"Module {m.module_number}" if m.module_number else m.module_title, r)
            for m in self.modules
            for r in m.reasons
        ]


def worst(statuses) -> str:
    return max(statuses, key=_RANK.__getitem__, default=READY)


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {ngettext(singular, plural, count)}"


def _codes(codes: tuple[str, ...]) -> str:
    shown = ", ".join(codes[:MAX_CODES_SHOWN])
    more = len(codes) - MAX_CODES_SHOWN
    return shown + (f" et {more} {french.plural(more, 'autre', 'autres')}" if more > 0 else "")


def assess_module(inputs: ModuleInputs, *, near_audit_days: int = NEAR_AUDIT_DAYS) -> ModuleReadiness:
    days = inputs.days_to_next_audit
    near = days is not None and 0 <= days <= near_audit_days
    reasons: list[Reason] = []

    for tc in inputs.open_by_type:
        if tc.count <= 0:
            continue
        text = _plural(tc.count, tc.label.lower(), tc.label_plural.lower() or tc.label.lower())
        text += " à traiter"
        if tc.blocks_label:
            reasons.append(Reason(NOT_READY, f"{text} : ce type de constat bloque le label"))
        elif near:
            reasons.append(Reason(NOT_READY, f"{text} à {days} jours du prochain audit"))
        else:
            reasons.append(Reason(AT_RISK, text))

    if inputs.without_action:
        text = _plural(inputs.without_action, "constat appelle", "constats appellent") + " une action"
        text += " et n'en a aucune" if inputs.without_action == 1 else " et n'en ont aucune"
        reasons.append(Reason(NOT_READY if near else AT_RISK, text))

    if inputs.overdue_actions:
        text = _plural(inputs.overdue_actions, "action en retard", "actions en retard")
        reasons.append(Reason(AT_RISK, text))

    if inputs.not_compliant_last:
        n = len(inputs.not_compliant_last)
        text = _plural(n, "critère non conforme", "critères non conformes")
        text += f" à la dernière auto-évaluation ({_codes(inputs.not_compliant_last)})"
        reasons.append(Reason(AT_RISK, text))

    if inputs.never_self_assessed:
        n = len(inputs.never_self_assessed)
        text = _plural(n, "critère jamais auto-évalué", "critères jamais auto-évalués")
        text += f" ({_codes(inputs.never_self_assessed)})"
        reasons.append(Reason(AT_RISK, text))

    if days is not None and days < 0:
        # Said as a date (« depuis le 26 mai 2017 »), never as thousands of days.
        planned = inputs.next_audit_on or dt.date.min + dt.timedelta(days=-days)
        when = since(planned, planned + dt.timedelta(days=-days))
        reasons.append(Reason(AT_RISK, f"Date du prochain audit dépassée {when} : à replanifier"))

    status = worst(r.level for r in reasons)
    return ModuleReadiness(
        inputs.module_number, inputs.module_title, status, reasons, days, inputs.next_audit_on
    )


def assess_entity(
    entity_id: int,
    entity_name: str,
    modules: list[ModuleInputs],
    *,
    near_audit_days: int = NEAR_AUDIT_DAYS,
) -> EntityReadiness:
    assessed = [assess_module(m, near_audit_days=near_audit_days) for m in modules]
    days = [m.days_to_next_audit for m in modules if m.days_to_next_audit is not None]
    dates = [m.next_audit_on for m in modules if m.next_audit_on is not None]
    return EntityReadiness(
        entity_id, entity_name, assessed, min(days) if days else None, min(dates) if dates else None
    )
