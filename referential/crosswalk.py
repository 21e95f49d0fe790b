"""The crosswalk between two referentials, loaded from a YAML file (one line per link, with its reason).

A file that names an unknown referential, module or engagement is refused whole, with a French message
naming the line and the field; nothing changes.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import yaml
from django.db import transaction

from .loader import DATA_DIR, ReferentialFileError, _LineLoader, _Validator
from .models import CrosswalkLink, Engagement, Module, Referential

DEFAULT_CROSSWALK = DATA_DIR / "crosswalk-qualipref-2.0-services-publics-plus.yaml"


def _referential(v: _Validator, node, path) -> Referential | None:
    if not v.mapping(node, path):
        return None
    v.unknown_keys(node, path, {"code", "version"})
    code, version = v.field(node, path, "code", "str"), v.field(node, path, "version", "str")
    if code is None or version is None:
        return None
    referential = Referential.objects.filter(code=code, version=version).first()
    if referential is None:
        v.error(node, path, f"référentiel inconnu « {code} » version « {version} » : chargez-le d'abord.")
    return referential


def parse_crosswalk(text: str) -> tuple[Referential, Referential, list[dict]]:
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"ligne {mark.line + 1}, colonne {mark.column + 1} : " if mark else ""
        raise ReferentialFileError(
            [f"{where}syntaxe YAML invalide ({getattr(exc, 'problem', exc)})."]
        ) from None
    v = _Validator()
    if not isinstance(data, dict):
        raise ReferentialFileError(["le fichier doit contenir les clés crosswalk et links."])
    v.unknown_keys(data, "fichier", {"crosswalk", "links"})
    head = data.get("crosswalk")
    source = target = None
    if head is None:
        v.error(data, "crosswalk", "clé obligatoire manquante.")
    elif v.mapping(head, "crosswalk"):
        v.unknown_keys(head, "crosswalk", {"from", "to"})
        source = _referential(v, head.get("from"), "crosswalk.from")
        target = _referential(v, head.get("to"), "crosswalk.to")
    if v.errors:
        raise ReferentialFileError(v.errors)

    modules = {m.number: m for m in Module.objects.filter(referential=source)}
    source_engagements = {
        (e.module.number, e.code): e
        for e in Engagement.objects.filter(module__referential=source).select_related("module")
    }
    target_engagements = {e.code: e for e in Engagement.objects.filter(module__referential=target)}
    links, seen = [], set()
    for i, node in enumerate(v.field(data, "fichier", "links", "list") or []):
        path = f"links[{i}]"
        if not v.mapping(node, path):
            continue
        v.unknown_keys(node, path, {"module", "engagement", "to", "reason"})
        number = v.field(node, path, "module", "int")
        code = v.field(node, path, "engagement", "str", required=False)
        to = v.field(node, path, "to", "str")
        reason = v.field(node, path, "reason", "str")
        module = modules.get(number)
        if number is not None and module is None:
            v.error(node, f"{path}.module", f"module inconnu « {number} » dans {source}.")
        engagement = None
        if code is not None and module is not None:
            engagement = source_engagements.get((number, code))
            if engagement is None:
                v.error(
                    node,
                    f"{path}.engagement",
                    f"engagement inconnu « {code} » dans le module {number} de {source}.",
                )
        target_engagement = target_engagements.get(to)
        if to is not None and target_engagement is None:
            v.error(node, f"{path}.to", f"engagement inconnu « {to} » dans {target}.")
        key = (number, code, to)
        if key in seen:
            v.error(node, path, "ce lien est déjà défini.")
        seen.add(key)
        links.append(
            {
                "source_module": module,
                "source_engagement": engagement,
                "target_engagement": target_engagement,
                "reason": reason,
                "order": i + 1,
            }
        )
    if v.errors:
        raise ReferentialFileError(v.errors)
    return source, target, links


@transaction.atomic
def load_crosswalk(path: str | Path = DEFAULT_CROSSWALK) -> int:
    """Replace the links between the file's two referentials by the file's links; return their number."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReferentialFileError([f"fichier illisible : {path.name} ({exc})."]) from None
    source, target, links = parse_crosswalk(text)
    CrosswalkLink.objects.filter(
        source_module__referential=source, target_engagement__module__referential=target
    ).delete()
    CrosswalkLink.objects.bulk_create(CrosswalkLink(**link) for link in links)
    return len(links)


def counterparts(engagement_ids=(), module_ids=()) -> dict[tuple[str, int], list[CrosswalkLink]]:
    """The counterparts in newer referentials of some engagements or modules, in one query.

    Keys are ("engagement", id) and ("module", id); a module's links include those of its engagements.
    """
    from django.db.models import Q

    query = Q(pk__in=[])
    if engagement_ids:
        query |= Q(source_engagement_id__in=engagement_ids)
    if module_ids:
        query |= Q(source_module_id__in=module_ids)
    result: dict[tuple[str, int], list[CrosswalkLink]] = defaultdict(list)
    for link in CrosswalkLink.objects.filter(query).select_related(
        "target_engagement__module__referential", "source_engagement", "source_module"
    ):
        if link.source_engagement_id:
            result[("engagement", link.source_engagement_id)].append(link)
        result[("module", link.source_module_id)].append(link)
    return result
