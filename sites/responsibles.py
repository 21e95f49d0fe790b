"""Who answers for a site, an entity or a département: the one way the reminders find their recipients.

- the quality referents of a site: the active site referents of that site, and those of its whole entity;
- the quality referents of an entity: every active site referent of the entity (of its sites or whole);
- the quality managers of a département: its active quality managers holding the whole département;
- who is responsible for a row: the referents of its narrowest scope, or the département's quality
  managers when that scope has none.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .models import Membership, Role


@dataclass
class Responsibles:
    """The referents and quality managers of some départements, read in one query."""

    managers_of_department: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    referents_of_site: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    referents_of_whole_entity: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    referents_of_entity: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))

    @classmethod
    def of_departments(cls, department_ids: Iterable[int]) -> Responsibles:
        index = cls()
        rows = Membership.objects.filter(
            department_id__in=sorted(set(department_ids)),
            role__in=[Role.QUALITY_MANAGER, Role.SITE_REFERENT],
            user__is_active=True,
        ).values_list("role", "department_id", "entity_id", "site_id", "user_id")
        for role, department_id, entity_id, site_id, user_id in rows:
            if role == Role.QUALITY_MANAGER:
                if entity_id is None:
                    index.managers_of_department[department_id].add(user_id)
            elif entity_id is not None:
                index.referents_of_entity[entity_id].add(user_id)
                if site_id is not None:
                    index.referents_of_site[site_id].add(user_id)
                else:
                    index.referents_of_whole_entity[entity_id].add(user_id)
        return index

    def managers(self, department_id: int) -> set[int]:
        return set(self.managers_of_department.get(department_id, ()))

    def referents(self, *, entity_id: int | None = None, site_ids: Iterable[int] = ()) -> set[int]:
        """The referents of these sites (and of their whole entity); of the entity when no site is named."""
        site_ids = list(site_ids)
        if not site_ids:
            return set(self.referents_of_entity.get(entity_id, ())) if entity_id is not None else set()
        found = set().union(*(self.referents_of_site.get(s, ()) for s in site_ids))
        if entity_id is not None:
            found |= self.referents_of_whole_entity.get(entity_id, set())
        return found

    def responsible(
        self, *, department_id: int, entity_id: int | None = None, site_ids: Iterable[int] = ()
    ) -> set[int]:
        """The referents of the narrowest scope given, or the département's quality managers."""
        return self.referents(entity_id=entity_id, site_ids=site_ids) or self.managers(department_id)
