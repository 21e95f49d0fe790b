"""A département's quality manager edits the referential in the app: texts of engagements and criteria,
typed parameters, finding types and the label's cycle. Saving creates a new version of the referential
for that département (`Referential.department`, `adapts`): the published version and the département's
earlier versions stay as they are, so past audits and reports keep the version of their time.

The edit goes through the loader's rules (`loader.validate`, the ones a referential file obeys) and is
written by the loader (`loader.write`); a refused edit names the field in French and changes nothing.
Only wording and values are editable: codes, module numbers, parameter keys and types stay, so the
versions of one referential line up (the label cycle counts the audits of every version,
`cycles.next_audits`; the crosswalk is carried over to the new version).
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from sites.access import WRITE, scope_for
from sites.models import Department, Role

from . import loader
from .models import CrosswalkLink, Engagement, LabelScope, Parameter, Referential
from .selectors import department_version, referential_detail

MANAGER_ROLES = frozenset({Role.QUALITY_MANAGER, Role.ADMIN})
COLORS = {
    "success": "vert",
    "info": "bleu clair",
    "primary": "bleu",
    "warning": "jaune",
    "orange": "orange",
    "danger": "rouge",
    "secondary": "gris",
    "dark": "noir",
}
ERR_UNCHANGED = "Aucune modification : aucune nouvelle version n'a été créée."
ERR_COLOR = "couleur inconnue « {value} »."
ERR_REQUIRED = "champ obligatoire."


# ---- who may edit ----------------------------------------------------------------------------------------


def managed_department_ids(user) -> set[int]:
    """The départements whose referential the user may edit: a quality manager's or administrator's
    (the same rule as the referential switch), every one for the platform's administrator."""
    scope = scope_for(user)
    if not (user.is_superuser or MANAGER_ROLES & scope.roles):
        return set()
    return scope.ids("department", WRITE)


# ---- the referential as editable data --------------------------------------------------------------------


def snapshot(referential: Referential, department) -> dict:
    """`referential` as the data of a referential file (`loader.validate`'s input), the département's
    own parameter values folded in."""
    detail = referential_detail(referential.pk)
    cycle = getattr(detail, "cycle", None)  # None when the referential has no cycle
    data = {
        "referential": {
            "code": detail.code,
            "name": detail.name,
            "version": detail.version,
            "published_on": detail.published_on,
            "valid_from": detail.valid_from,
            "valid_until": detail.valid_until,
            "description": detail.description,
        },
        "modules": [],
        "parameters": [],
        "finding_types": [],
    }
    if cycle is not None:
        data["cycle"] = {
            "initial_audit": cycle.initial_audit,
            "validity_months": cycle.validity_months,
            "surveillance_interval_months": cycle.surveillance_interval_months,
            "renewal_months_before_expiry": cycle.renewal_months_before_expiry,
            "to_confirm": cycle.to_confirm,
        }
    for module in detail.modules.all():
        engagements = []
        for engagement in module.engagements.all():
            criteria = list(engagement.criteria.all())
            engagements.append(
                {
                    "code": engagement.code,
                    "title": engagement.title,
                    "text": engagement.text,
                    "to_confirm": engagement.to_confirm,
                    "criteria": _criteria_tree(criteria, None),
                }
            )
        data["modules"].append(
            {
                "number": module.number,
                "title": module.title,
                "mandatory": module.mandatory,
                "description": module.description,
                "engagements": engagements,
            }
        )
    engagement_codes = {e.pk: e.code for m in detail.modules.all() for e in m.engagements.all()}
    rows = {}
    for p in detail.parameters.all():
        if p.department_id is None:
            rows.setdefault(p.key, p)
    for p in detail.parameters.all():
        if p.department_id is not None and p.department_id == getattr(department, "pk", None):
            rows[p.key] = p  # the département's override is its value
    for p in sorted(rows.values(), key=lambda p: p.key):
        data["parameters"].append(
            {
                "key": p.key,
                "label": p.label,
                "type": p.value_type,
                "value": p.value,
                "choices": p.choices,
                "unit": p.unit,
                "engagement": engagement_codes.get(p.engagement_id),
                "to_confirm": p.to_confirm,
            }
        )
    for t in detail.finding_types.all():
        data["finding_types"].append(
            {
                "code": t.code,
                "label": t.label,
                "label_plural": t.label_plural,
                "requires_action": t.requires_action,
                "blocks_label": t.blocks_label,
                "color": t.color,
                "to_confirm": t.to_confirm,
            }
        )
    return _without_none(data)


def _without_none(node):
    """A value left empty is a key left out, as in a file (and as an emptied field, `_set`)."""
    if isinstance(node, dict):
        return {k: _without_none(v) for k, v in node.items() if v is not None}
    if isinstance(node, list):
        return [_without_none(v) for v in node]
    return node


def _criteria_tree(criteria, parent_id) -> list[dict]:
    return [
        {"code": c.code, "text": c.text, "criteria": _criteria_tree(criteria, c.pk)}
        for c in criteria
        if c.parent_id == parent_id
    ]


# ---- the fields of the page: one per editable value, named by its path in the data -------------------------


@dataclass
class Field:
    name: str  # the value's path in the data (`cycle.validity_months`): the input's name and the error's key
    label: str  # French, names the field in an error
    kind: str  # text, textarea, checkbox, number, select
    value: object = None
    choices: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return "f-" + re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-")


@dataclass
class Group:
    key: str
    title: str
    fields: list[Field]
    to_confirm: bool = False
    note: str = ""


CYCLE_LABELS = {
    "initial_audit": ("audit initial", "text"),
    "validity_months": ("durée de validité du label (mois)", "number"),
    "surveillance_interval_months": ("intervalle des audits de surveillance (mois)", "number"),
    "renewal_months_before_expiry": ("audit de renouvellement avant l'échéance (mois)", "number"),
    "to_confirm": ("à confirmer", "checkbox"),
}


def groups(data: dict) -> list[Group]:
    """The page's fields, grouped: the cycle, each engagement with its criteria, the parameters, the
    finding types."""
    out = []
    if data.get("cycle"):
        out.append(
            Group(
                "cycle",
                "Cycle du label",
                [
                    Field(f"cycle.{key}", f"Cycle du label — {label}", kind, data["cycle"].get(key))
                    for key, (label, kind) in CYCLE_LABELS.items()
                ],
                to_confirm=bool(data["cycle"].get("to_confirm")),
            )
        )
    codes = []
    for i, module in enumerate(data["modules"]):
        for j, e in enumerate(module["engagements"]):
            codes.append(e["code"])
            path = f"modules[{i}].engagements[{j}]"
            name = f"Engagement {e['code']}"
            fields = [
                Field(f"{path}.title", f"{name} — intitulé", "text", e["title"]),
                Field(f"{path}.text", f"{name} — texte", "textarea", e.get("text", "")),
                Field(f"{path}.to_confirm", f"{name} — formulation à confirmer", "checkbox", e["to_confirm"]),
            ]
            fields += _criteria_fields(e["criteria"], f"{path}.criteria")
            out.append(
                Group(
                    f"engagement-{e['code']}",
                    f"{e['code']} – {e['title']}",
                    fields,
                    to_confirm=bool(e["to_confirm"]),
                    note=f"Module {module['number']} – {module['title']}" if len(data["modules"]) > 1 else "",
                )
            )
    engagement_choices = [("", "—")] + [(c, c) for c in codes]
    for i, p in enumerate(data["parameters"]):
        path = f"parameters[{i}]"
        name = f"Paramètre « {p['label']} »"
        if p["type"] == "bool":
            value_field = Field(
                f"{path}.value", f"{name} — valeur", "select", p["value"], [("true", "oui"), ("false", "non")]
            )
        elif p["type"] == "choice":
            allowed = [c.strip() for c in (p.get("choices") or "").split(",") if c.strip()]
            value_field = Field(
                f"{path}.value", f"{name} — valeur", "select", p["value"], [(c, c) for c in allowed]
            )
        else:
            value_field = Field(f"{path}.value", f"{name} — valeur", "text", p["value"])
        out.append(
            Group(
                f"parameter-{p['key']}",
                f"{p['label']} ({p['key']})",
                [
                    value_field,
                    Field(f"{path}.label", f"{name} — libellé", "text", p["label"]),
                    Field(f"{path}.unit", f"{name} — unité", "text", p.get("unit", "")),
                    Field(
                        f"{path}.engagement",
                        f"{name} — engagement mesuré",
                        "select",
                        p.get("engagement") or "",
                        engagement_choices,
                    ),
                    Field(f"{path}.to_confirm", f"{name} — à confirmer", "checkbox", p["to_confirm"]),
                ],
                to_confirm=bool(p["to_confirm"]),
                note="Type : " + dict(Parameter.ValueType.choices).get(p["type"], p["type"]).lower(),
            )
        )
    colors = list(COLORS.items())
    for i, t in enumerate(data["finding_types"]):
        path = f"finding_types[{i}]"
        name = f"Type de constat « {t['label']} »"
        out.append(
            Group(
                f"finding-type-{t['code']}",
                t["label"],
                [
                    Field(f"{path}.label", f"{name} — libellé", "text", t["label"]),
                    Field(
                        f"{path}.label_plural",
                        f"{name} — libellé au pluriel",
                        "text",
                        t.get("label_plural", ""),
                    ),
                    Field(
                        f"{path}.requires_action",
                        f"{name} — appelle une action",
                        "checkbox",
                        t["requires_action"],
                    ),
                    Field(f"{path}.blocks_label", f"{name} — bloque le label", "checkbox", t["blocks_label"]),
                    Field(f"{path}.color", f"{name} — couleur", "select", t["color"], colors),
                    Field(f"{path}.to_confirm", f"{name} — à confirmer", "checkbox", t["to_confirm"]),
                ],
                to_confirm=bool(t["to_confirm"]),
            )
        )
    return out


def _criteria_fields(criteria, path) -> list[Field]:
    fields = []
    for k, c in enumerate(criteria):
        cpath = f"{path}[{k}]"
        fields.append(Field(f"{cpath}.text", f"Critère {c['code']} — texte", "textarea", c["text"]))
        fields += _criteria_fields(c["criteria"], f"{cpath}.criteria")
    return fields


_STEP = re.compile(r"([a-z_]+)(?:\[(\d+)\])?")


def _set(data: dict, path: str, value) -> None:
    """Set the value at `path` (`modules[0].engagements[2].title`); None removes the key."""
    steps = [(m.group(1), m.group(2)) for m in _STEP.finditer(path)]
    node = data
    for name, index in steps[:-1]:
        node = node[name]
        if index is not None:
            node = node[int(index)]
    name, _ = steps[-1]
    if value is None:
        node.pop(name, None)
    else:
        node[name] = value


def _posted(f: Field, post):
    """The value posted for `f`, typed as a referential file would give it (the loader checks it);
    `f.value` when the field was not posted at all."""
    values = post.getlist(f.name)
    if not values:
        return f.value
    raw = values[-1].strip()
    if f.kind == "checkbox":  # a hidden "0" precedes the box's "1"
        return raw in ("1", "on", "true")
    if f.kind == "number":
        if raw == "":
            return None
        return int(raw) if re.fullmatch(r"[-+]?\d+", raw) else raw
    if f.name.endswith(".engagement"):
        return raw or None
    return raw.replace("\r\n", "\n")


# ---- saving a new version ---------------------------------------------------------------------------------


class EditError(ValueError):
    """The edit is refused; `errors` maps a field name (or "") to French messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(m for ms in errors.values() for m in ms))


def apply_post(data: dict, post) -> tuple[dict, list[Group]]:
    """The data with the posted values, and the page's fields holding them."""
    edited = copy.deepcopy(data)
    page = groups(data)
    for group in page:
        for f in group.fields:
            f.value = _posted(f, post)
            _set(edited, f.name, f.value)
    return edited, page


def _check(data: dict, edited: dict, page: list[Group]) -> dict:
    """The loader's rules on the edited data, plus the form's own (colours); the validated data."""
    errors: dict[str, list[str]] = {}
    labels = {f.name: f for g in page for f in g.fields}
    for f in labels.values():
        if f.name.endswith(".color") and f.value not in COLORS:
            errors.setdefault(f.name, []).append(ERR_COLOR.format(value=f.value))
    try:
        validated = loader.validate(edited)
    except loader.ReferentialFileError as exc:
        validated = None
        for path, message in exc.fields:
            message = message.replace("clé obligatoire manquante.", ERR_REQUIRED).replace(
                "dans ce fichier", "dans ce référentiel"
            )
            errors.setdefault(path if path in labels else "", []).append(message)
    if not errors and edited == data:
        errors[""] = [ERR_UNCHANGED]
    if errors:
        raise EditError(errors)
    return validated


def next_version_label(published: Referential, department) -> str:
    taken = set(Referential.objects.filter(code=published.code).values_list("version", flat=True))
    n = Referential.objects.filter(adapts=published, department=department).count() + 1
    while f"{published.version}-{department.code}.{n}" in taken:
        n += 1
    return f"{published.version}-{department.code}.{n}"


@transaction.atomic
def save_version(*, referential: Referential, department, post, by, today: dt.date | None = None):
    """Create the département's new version of `referential` from the posted values; raise EditError
    (nothing written) when a value breaks the referential's rules or nothing changed."""
    today = today or timezone.localdate()
    published = Referential.objects.select_for_update().get(pk=referential.published_id)
    base = department_version(published, department, today)
    data = snapshot(base, department)
    edited, page = apply_post(data, post)
    validated = _check(data, edited, page)
    validated["referential"].update(
        version=next_version_label(published, department),
        published_on=today,
        valid_from=today,
        valid_until=None,
    )
    new = loader.write(validated, department=department, adapts=published).referential
    _carry_crosswalk(base, new)
    _move_scopes(published, new, department, today, by)
    return new


def _carry_crosswalk(base: Referential, new: Referential) -> None:
    """The crosswalk links of the version edited, for the new version (same module numbers and codes)."""
    modules = {m.number: m for m in new.modules.all()}
    engagements = {
        (e.module.number, e.code): e
        for e in Engagement.objects.filter(module__referential=new).select_related("module")
    }
    links = CrosswalkLink.objects.select_related(
        "source_module", "source_engagement__module", "target_engagement__module"
    )
    for link in links.filter(source_module__referential=base):
        CrosswalkLink.objects.get_or_create(
            source_module=modules[link.source_module.number],
            source_engagement=(
                engagements[(link.source_engagement.module.number, link.source_engagement.code)]
                if link.source_engagement_id
                else None
            ),
            target_engagement=link.target_engagement,
            defaults={"reason": link.reason, "order": link.order},
        )
    for link in links.filter(target_engagement__module__referential=base):
        target = link.target_engagement
        CrosswalkLink.objects.get_or_create(
            source_module=link.source_module,
            source_engagement=link.source_engagement,
            target_engagement=engagements[(target.module.number, target.code)],
            defaults={"reason": link.reason, "order": link.order},
        )


def _move_scopes(published: Referential, new: Referential, department, today: dt.date, by) -> None:
    """The département's entities working under a version of this referential now work under the new
    one: same modules, status, award and validity; the scopes left are ended (kept in the label history)."""
    modules = {m.number: m for m in new.modules.all()}
    scopes = (
        LabelScope.objects.filter(entity__department=department)
        .filter(
            Q(module__referential=published)
            | Q(module__referential__adapts=published, module__referential__department=department)
        )
        .exclude(module__referential=new)
        .current(today)
        .select_related("module")
    )
    for scope in list(scopes):
        target = modules.get(scope.module.number)
        if target is None:
            continue
        moved = LabelScope(
            entity_id=scope.entity_id,
            module=target,
            status=scope.status,
            awarded_on=scope.awarded_on,
            valid_until=scope.valid_until,
            next_audit_on=scope.next_audit_on,
            started_on=today,
        )
        moved._history_user = by
        scope._history_user = by
        if scope.started_on and scope.started_on >= today:
            moved.started_on = scope.started_on
            scope.delete()  # entered today by an earlier edit: nothing to keep
        else:
            scope.ended_on = today
            scope.save(update_fields=["ended_on", "updated_at"])
        moved.save()


# ---- the views --------------------------------------------------------------------------------------------


def _resolve(request, pk):
    """(published version, département, the département's version edited), or 404 / 403."""
    scope = scope_for(request.user)
    referential = Referential.objects.select_related("adapts", "department").filter(pk=pk).first()
    if referential is None or scope.is_empty:
        raise Http404("Référentiel introuvable.")
    if referential.department_id and referential.department_id not in scope.ids("department"):
        raise Http404("Référentiel introuvable.")
    managed = managed_department_ids(request.user)
    if referential.department_id:
        if referential.department_id not in managed:
            raise PermissionDenied(
                "Seule la chargée de mission qualité du département modifie son référentiel."
            )
        departments = [referential.department]
    else:
        departments = list(Department.objects.filter(pk__in=managed).order_by("code"))
        if not departments:
            raise PermissionDenied(
                "Seule la chargée de mission qualité du département modifie son référentiel."
            )
    wanted = (request.POST or request.GET).get("departement", "")
    department = next((d for d in departments if str(d.pk) == wanted), departments[0])
    published = referential.adapts or referential
    return published, department, departments, department_version(published, department)


@require_http_methods(["GET", "HEAD", "POST"])
def referential_edit(request, pk):
    """The referential of a département, editable: GET shows its values (those to confirm flagged), POST
    saves them as a new version of the département."""
    published, department, departments, base = _resolve(request, pk)
    data = snapshot(base, department)
    errors, status = {}, 200
    if request.method == "POST":
        try:
            new = save_version(
                referential=published, department=department, post=request.POST, by=request.user
            )
        except EditError as exc:
            errors, status = exc.errors, 400
            _, page = apply_post(data, request.POST)
        else:
            messages.success(
                request,
                f"Nouvelle version « {new.version} » du référentiel enregistrée pour {department.name}. "
                "La version précédente est conservée ; les audits et rapports passés la gardent.",
            )
            return redirect("referential:detail", pk=new.pk)
    else:
        page = groups(data)
    labels = {}
    for group in page:
        for f in group.fields:
            f.errors = errors.get(f.name, [])
            labels[f.name] = f.label
    summary = [
        f"{labels[name]} : {message}" if name in labels else message
        for name, found in errors.items()
        for message in found
    ]
    versions = Referential.objects.filter(adapts=published, department=department).order_by(
        "-valid_from", "-pk"
    )
    return render(
        request,
        "referential/editing/edit.html",
        {
            "published": published,
            "base": base,
            "department": department,
            "departments": departments,
            "groups": page,
            "to_confirm": [g for g in page if g.to_confirm],
            "errors": summary,
            "versions": [published, *versions],
        },
        status=status,
    )
