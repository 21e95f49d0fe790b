"""{% counterparts engagement=… module=… department=… %}: an item of a past referential shows its counterparts
in the current one (through the crosswalk): the version in force for the item's département (its own edited
version when it has one)."""

from django import template

from referential.crosswalk import counterparts as find_counterparts
from referential.selectors import current_referential

register = template.Library()


@register.inclusion_tag("referential/partials/counterparts.html")
def counterparts(engagement=None, module=None, department=None):
    current = current_referential(department=department)
    module = module or (engagement.module if engagement else None)
    if current is None or module is None or module.referential_id == current.pk:
        return {"links": []}
    found = find_counterparts(
        engagement_ids=[engagement.pk] if engagement else (), module_ids=[] if engagement else [module.pk]
    )
    key = ("engagement", engagement.pk) if engagement else ("module", module.pk)
    links = [
        link for link in found.get(key, []) if link.target_engagement.module.referential_id == current.pk
    ]
    return {"links": links, "current": current}
