"""Load a referential from its versioned YAML file: validate everything, then write in one transaction.

A malformed file loads nothing; the error names the line and the key at fault, in French.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from .models import Criterion, Engagement, FindingType, LabelCycle, Module, Parameter, Referential
from .params import cast_value


class ReferentialFileError(ValueError):
    """The file cannot be loaded; `errors` lists every problem found."""

    def __init__(self, errors: list[str], fields: list[tuple[str, str]] | None = None):
        self.errors = errors
        # (path, message) per problem, the path naming the key at fault (`cycle.validity_months`):
        # a form built over the same data names its own field from it.
        self.fields = fields or []
        super().__init__("Référentiel invalide :\n" + "\n".join(f"- {e}" for e in errors))


class _LineDict(dict):
    line = 0


class _LineLoader(yaml.SafeLoader):
    """A safe loader whose mappings remember the line they start on (1-based)."""


def _construct_line_map(loader, node):
    mapping = _LineDict()
    mapping.line = node.start_mark.line + 1
    yield mapping
    mapping.update(loader.construct_mapping(node))


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_line_map)


@dataclass
class LoadResult:
    referential: Referential
    created: bool
    counts: dict[str, int]


class _Validator:
    def __init__(self):
        self.errors: list[str] = []
        self.fields: list[tuple[str, str]] = []

    def error(self, node, path: str, message: str):
        line = getattr(node, "line", 0)
        where = f"ligne {line}, " if line else ""
        self.errors.append(f"{where}« {path} » : {message}")
        self.fields.append((path, message))

    def mapping(self, node, path) -> bool:
        if not isinstance(node, dict):
            self.error(node, path, "une liste de clés et valeurs est attendue.")
            return False
        return True

    def field(self, node, path, key, kind, *, required=True, default=None):
        if key not in node or node[key] is None or node[key] == "":
            if required:
                self.error(node, f"{path}.{key}", "clé obligatoire manquante.")
            return default
        value = node[key]
        ok = {
            "str": isinstance(value, str | int | float) and not isinstance(value, bool),
            "int": isinstance(value, int) and not isinstance(value, bool),
            "bool": isinstance(value, bool),
            "date": isinstance(value, dt.date),
            "list": isinstance(value, list),
        }[kind]
        if not ok:
            expected = {
                "str": "un texte",
                "int": "un nombre entier",
                "bool": "true ou false",
                "date": "une date AAAA-MM-JJ",
                "list": "une liste",
            }[kind]
            self.error(node, f"{path}.{key}", f"{expected} est attendu, pas « {value} ».")
            return default
        return str(value) if kind == "str" else value

    def unknown_keys(self, node, path, allowed):
        for key in node:
            if key not in allowed:
                self.error(
                    node, f"{path}.{key}", f"clé inconnue (clés possibles : {', '.join(sorted(allowed))})."
                )


def parse(text: str) -> dict:
    """Parse and validate the file's text into plain data; raise ReferentialFileError on any problem."""
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"ligne {mark.line + 1}, colonne {mark.column + 1} : " if mark else ""
        raise ReferentialFileError(
            [f"{where}syntaxe YAML invalide ({getattr(exc, 'problem', exc)})."]
        ) from None
    return validate(data)


def validate(data) -> dict:
    """Validate a referential given as plain data (the file's shape: mappings, lists, typed values) into
    the loader's data; raise ReferentialFileError on any problem. The file and the in-app editing
    (`referential.editing`) go through this one set of rules."""
    v = _Validator()
    if not isinstance(data, dict):
        raise ReferentialFileError(
            ["le fichier doit contenir les clés referential, modules, parameters et finding_types."]
        )
    v.unknown_keys(data, "fichier", {"referential", "cycle", "modules", "parameters", "finding_types"})

    out = {"referential": {}, "cycle": None, "modules": [], "parameters": [], "finding_types": []}
    head = data.get("referential")
    if (
        v.mapping(head, "referential")
        if head is not None
        else v.error(data, "referential", "clé obligatoire manquante.")
    ):
        v.unknown_keys(
            head,
            "referential",
            {"code", "name", "version", "published_on", "valid_from", "valid_until", "description"},
        )
        out["referential"] = {
            "code": v.field(head, "referential", "code", "str"),
            "name": v.field(head, "referential", "name", "str"),
            "version": v.field(head, "referential", "version", "str"),
            "published_on": v.field(head, "referential", "published_on", "date", required=False),
            "valid_from": v.field(head, "referential", "valid_from", "date", required=False),
            "valid_until": v.field(head, "referential", "valid_until", "date", required=False),
            "description": v.field(head, "referential", "description", "str", required=False, default=""),
        }

    modules = v.field(data, "fichier", "modules", "list") or []
    numbers = set()
    engagement_codes = set()
    for i, node in enumerate(modules):
        path = f"modules[{i}]"
        if not v.mapping(node, path):
            continue
        v.unknown_keys(node, path, {"number", "title", "mandatory", "description", "engagements"})
        number = v.field(node, path, "number", "int")
        if number is not None:
            if number in numbers:
                v.error(node, f"{path}.number", f"le module {number} est déjà défini.")
            numbers.add(number)
        module = {
            "number": number,
            "title": v.field(node, path, "title", "str"),
            "mandatory": v.field(node, path, "mandatory", "bool", required=False, default=False),
            "description": v.field(node, path, "description", "str", required=False, default=""),
            "engagements": [],
        }
        for j, enode in enumerate(v.field(node, path, "engagements", "list", required=False, default=[])):
            epath = f"{path}.engagements[{j}]"
            if not v.mapping(enode, epath):
                continue
            v.unknown_keys(enode, epath, {"code", "title", "text", "criteria", "to_confirm"})
            code = v.field(enode, epath, "code", "str")
            if code is not None:
                if (number, code) in engagement_codes:
                    v.error(enode, f"{epath}.code", f"l'engagement {code} est déjà défini dans ce module.")
                engagement_codes.add((number, code))
            module["engagements"].append(
                {
                    "code": code,
                    "title": v.field(enode, epath, "title", "str"),
                    "text": v.field(enode, epath, "text", "str", required=False, default=""),
                    "to_confirm": v.field(enode, epath, "to_confirm", "bool", required=False, default=False),
                    "criteria": _criteria(v, enode, epath, set()),
                }
            )
        out["modules"].append(module)
    if modules and 1 not in numbers and not any(m.get("mandatory") for m in out["modules"]):
        v.error(data, "modules", "au moins un module doit être obligatoire.")

    keys = set()
    for i, node in enumerate(v.field(data, "fichier", "parameters", "list", required=False, default=[])):
        path = f"parameters[{i}]"
        if not v.mapping(node, path):
            continue
        v.unknown_keys(
            node, path, {"key", "label", "type", "value", "choices", "unit", "engagement", "to_confirm"}
        )
        key = v.field(node, path, "key", "str")
        if key in keys:
            v.error(node, f"{path}.key", f"le paramètre {key} est déjà défini.")
        keys.add(key)
        value_type = v.field(node, path, "type", "str")
        if value_type not in {c.value for c in Parameter.ValueType}:
            v.error(node, f"{path}.type", f"type inconnu « {value_type} » (int, decimal, str, bool, choice).")
            continue
        raw = node.get("value")
        if isinstance(raw, bool):
            raw = "true" if raw else "false"
        choices = v.field(node, path, "choices", "str", required=False, default="")
        if raw is None:
            v.error(node, f"{path}.value", "clé obligatoire manquante.")
        else:
            try:
                cast_value(value_type, raw, choices)
            except ValueError as exc:
                v.error(node, f"{path}.value", str(exc))
        out["parameters"].append(
            {
                "key": key,
                "label": v.field(node, path, "label", "str"),
                "value_type": value_type,
                "value": str(raw),
                "choices": choices,
                "unit": v.field(node, path, "unit", "str", required=False, default=""),
                "engagement": _engagement_ref(v, node, path, engagement_codes),
                "to_confirm": v.field(node, path, "to_confirm", "bool", required=False, default=False),
            }
        )

    codes = set()
    for i, node in enumerate(v.field(data, "fichier", "finding_types", "list", required=False, default=[])):
        path = f"finding_types[{i}]"
        if not v.mapping(node, path):
            continue
        v.unknown_keys(
            node,
            path,
            {"code", "label", "label_plural", "requires_action", "blocks_label", "color", "to_confirm"},
        )
        code = v.field(node, path, "code", "str")
        if code in codes:
            v.error(node, f"{path}.code", f"le type de constat {code} est déjà défini.")
        codes.add(code)
        out["finding_types"].append(
            {
                "code": code,
                "label": v.field(node, path, "label", "str"),
                "label_plural": v.field(node, path, "label_plural", "str", required=False, default=""),
                "order": i + 1,
                "requires_action": v.field(
                    node, path, "requires_action", "bool", required=False, default=False
                ),
                "blocks_label": v.field(node, path, "blocks_label", "bool", required=False, default=False),
                "color": v.field(node, path, "color", "str", required=False, default="secondary"),
                "to_confirm": v.field(node, path, "to_confirm", "bool", required=False, default=False),
            }
        )

    if "cycle" in data:
        out["cycle"] = _cycle(v, data["cycle"])

    if v.errors:
        raise ReferentialFileError(v.errors, v.fields)
    return out


CYCLE_KEYS = {
    "initial_audit",
    "validity_months",
    "surveillance_interval_months",
    "renewal_months_before_expiry",
    "to_confirm",
}


def _cycle(v: _Validator, node) -> dict | None:
    """The label's cycle: every interval is a whole number of months, strictly positive."""
    if not v.mapping(node, "cycle"):
        return None
    v.unknown_keys(node, "cycle", CYCLE_KEYS)
    cycle = {
        "initial_audit": v.field(node, "cycle", "initial_audit", "str", required=False, default=""),
        "to_confirm": v.field(node, "cycle", "to_confirm", "bool", required=False, default=False),
    }
    for key in ("validity_months", "surveillance_interval_months", "renewal_months_before_expiry"):
        value = v.field(node, "cycle", key, "int", required=key == "validity_months")
        if value is not None and value <= 0:
            v.error(
                node, f"cycle.{key}", f"un intervalle doit être un nombre de mois positif, pas « {value} »."
            )
            value = None
        cycle[key] = value
    validity, renewal = cycle["validity_months"], cycle["renewal_months_before_expiry"]
    if validity and renewal and renewal >= validity:
        v.error(
            node,
            "cycle.renewal_months_before_expiry",
            f"l'audit de renouvellement ({renewal} mois avant l'échéance) doit tomber pendant la validité "
            f"du label ({validity} mois).",
        )
    return cycle


def _engagement_ref(v: _Validator, node, path, engagement_codes) -> str | None:
    """An optional engagement code that must name an engagement of this file."""
    code = v.field(node, path, "engagement", "str", required=False)
    if code is not None and code not in {c for _, c in engagement_codes}:
        v.error(
            node,
            f"{path}.engagement",
            f"engagement inconnu « {code} » : il n'est pas défini dans ce fichier.",
        )
        return None
    return code


def _criteria(v: _Validator, node, path, seen: set) -> list[dict]:
    result = []
    for k, cnode in enumerate(v.field(node, path, "criteria", "list", required=False, default=[])):
        cpath = f"{path}.criteria[{k}]"
        if not v.mapping(cnode, cpath):
            continue
        v.unknown_keys(cnode, cpath, {"code", "text", "criteria"})
        code = v.field(cnode, cpath, "code", "str")
        if code in seen:
            v.error(cnode, f"{cpath}.code", f"le critère {code} est déjà défini dans cet engagement.")
        seen.add(code)
        result.append(
            {
                "code": code,
                "text": v.field(cnode, cpath, "text", "str"),
                "criteria": _criteria(v, cnode, cpath, seen),
            }
        )
    return result


@transaction.atomic
def load_referential(path: str | Path) -> LoadResult:
    """Load (or update in place) the referential in `path`. Idempotent: same file, same rows."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ReferentialFileError([f"fichier illisible : {path} ({exc.strerror})."]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ReferentialFileError([f"le fichier {path.name} n'est pas encodé en UTF-8."]) from None
    data = parse(text)
    head = data["referential"]
    if Referential.objects.filter(
        code=head["code"], version=head["version"], department__isnull=False
    ).exists():
        raise ReferentialFileError(
            [
                f"« referential.version » : la version {head['version']} est celle d'un département, "
                "modifiée dans l'application ; un fichier ne la remplace pas."
            ]
        )
    return write(data, source_file=path.name, checksum=hashlib.sha256(raw).hexdigest())


@transaction.atomic
def write(
    data: dict, *, source_file: str = "", checksum: str = "", department=None, adapts=None
) -> LoadResult:
    """Write validated data (`parse` / `validate`) as the version `data["referential"]["version"]`:
    created, or updated in place when it exists. `department` and `adapts` mark a département's version
    of a published one (`referential.editing`)."""
    head = data["referential"]
    referential, created = Referential.objects.update_or_create(
        code=head["code"],
        version=head["version"],
        defaults={
            **{k: head[k] for k in ("name", "published_on", "valid_from", "valid_until", "description")},
            "source_file": source_file,
            "checksum": checksum,
            "department": department,
            "adapts": adapts,
        },
    )
    # A new version has no rows yet: they are inserted a table at a time (a dozen queries instead of two
    # to four per row); an existing one is updated row by row, in place.
    counts = (_create_rows if created else _update_rows)(referential, data)
    return LoadResult(referential=referential, created=created, counts=counts)


# The fields each row takes from the file, besides the keys that identify it (shared by both paths).
def _module_fields(m: dict) -> dict:
    return {"title": m["title"], "mandatory": m["mandatory"], "description": m["description"]}


def _engagement_fields(e: dict, order: int) -> dict:
    return {"title": e["title"], "text": e["text"], "order": order, "to_confirm": e["to_confirm"]}


def _criterion_fields(c: dict, parent, order: int) -> dict:
    return {"text": c["text"], "parent": parent, "order": order}


def _parameter_fields(p: dict, engagements: dict) -> dict:
    return {
        **{k: p[k] for k in ("label", "value_type", "value", "choices", "unit", "to_confirm")},
        "engagement": engagements.get(p["engagement"]),
    }


def _finding_type_fields(f: dict) -> dict:
    keys = ("label", "label_plural", "order", "requires_action", "blocks_label", "color", "to_confirm")
    return {k: f[k] for k in keys}


def _counts(data: dict, criteria: int) -> dict[str, int]:
    counts = {
        "modules": len(data["modules"]),
        "engagements": sum(len(m["engagements"]) for m in data["modules"]),
        "criteria": criteria,
        "parameters": len(data["parameters"]),
        "finding_types": len(data["finding_types"]),
    }
    if data["cycle"]:
        counts["cycle"] = 1
    return counts


def _create_rows(referential: Referential, data: dict) -> dict[str, int]:
    """Every row of a version just created, a table at a time, with their history rows."""
    modules = bulk_create_with_history(
        [Module(referential=referential, number=m["number"], **_module_fields(m)) for m in data["modules"]],
        Module,
    )
    engagement_rows = [
        (module, order, e)
        for module, m in zip(modules, data["modules"], strict=True)
        for order, e in enumerate(m["engagements"], 1)
    ]
    engagements = bulk_create_with_history(
        [
            Engagement(module=module, code=e["code"], **_engagement_fields(e, order))
            for module, order, e in engagement_rows
        ],
        Engagement,
    )
    # The criteria a level at a time: a level's rows are the parents of the next one's.
    level = [
        (engagement, None, e["criteria"])
        for engagement, (_, _, e) in zip(engagements, engagement_rows, strict=True)
    ]
    criteria = 0
    while level:
        rows = [
            (engagement, parent, order, c)
            for engagement, parent, items in level
            for order, c in enumerate(items, 1)
        ]
        saved = bulk_create_with_history(
            [
                Criterion(engagement=engagement, code=c["code"], **_criterion_fields(c, parent, order))
                for engagement, parent, order, c in rows
            ],
            Criterion,
        )
        criteria += len(saved)
        level = [
            (engagement, criterion, c["criteria"])
            for criterion, (engagement, _, _, c) in zip(saved, rows, strict=True)
            if c["criteria"]
        ]
    by_code = {e.code: e for e in engagements}
    bulk_create_with_history(
        [
            Parameter(referential=referential, key=p["key"], **_parameter_fields(p, by_code))
            for p in data["parameters"]
        ],
        Parameter,
    )
    bulk_create_with_history(
        [
            FindingType(referential=referential, code=f["code"], **_finding_type_fields(f))
            for f in data["finding_types"]
        ],
        FindingType,
    )
    if data["cycle"]:
        LabelCycle.objects.create(referential=referential, **data["cycle"])
    return _counts(data, criteria)


def _update_rows(referential: Referential, data: dict) -> dict[str, int]:
    """An existing version updated in place, row by row (rows the file no longer has are kept)."""
    criteria = 0
    for m in data["modules"]:
        module, _ = Module.objects.update_or_create(
            referential=referential, number=m["number"], defaults=_module_fields(m)
        )
        for order, e in enumerate(m["engagements"], start=1):
            engagement, _ = Engagement.objects.update_or_create(
                module=module, code=e["code"], defaults=_engagement_fields(e, order)
            )
            criteria += _save_criteria(engagement, e["criteria"], parent=None)
    engagements = {e.code: e for e in Engagement.objects.filter(module__referential=referential)}
    for p in data["parameters"]:
        Parameter.objects.update_or_create(
            referential=referential, key=p["key"], department=None, defaults=_parameter_fields(p, engagements)
        )
    for f in data["finding_types"]:
        FindingType.objects.update_or_create(
            referential=referential, code=f["code"], defaults=_finding_type_fields(f)
        )
    if data["cycle"]:
        LabelCycle.objects.update_or_create(referential=referential, defaults=data["cycle"])
    return _counts(data, criteria)


def _save_criteria(engagement, items, parent) -> int:
    count = 0
    for order, c in enumerate(items, start=1):
        criterion, _ = Criterion.objects.update_or_create(
            engagement=engagement, code=c["code"], defaults=_criterion_fields(c, parent, order)
        )
        count += 1 + _save_criteria(engagement, c["criteria"], criterion)
    return count


DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_FILE = DATA_DIR / "qualipref-2.0.yaml"
SPPLUS_FILE = DATA_DIR / "services-publics-plus.yaml"
