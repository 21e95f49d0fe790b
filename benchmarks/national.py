"""The national benchmark organisation, shared by `complaints.py` and `pages.py`: départements of two
entities of two sites each, a quality manager per département and an agent per site."""

ENTITIES_PER_DEPARTMENT, SITES_PER_ENTITY = 2, 2


def build_departments(codes: list[str]):
    """Create a département per code (named « Département <n> », n its rank from 1) with its entities,
    sites, quality manager and agents (bulk inserts); returns (departments, sites, {site id: agent id})."""
    from sites.models import Department, Entity, Membership, Site, User

    departments = Department.objects.bulk_create(
        [Department(code=code, name=f"Département {n}") for n, code in enumerate(codes, 1)]
    )
    entities = Entity.objects.bulk_create(
        [
            Entity(department=d, code=f"e-{d.code}-{j}", name=f"Entité {d.code}-{j}", kind="subprefecture")
            for d in departments
            for j in range(ENTITIES_PER_DEPARTMENT)
        ]
    )
    sites = Site.objects.bulk_create(
        [
            Site(entity=e, code=f"s-{e.code}-{k}", name=f"Site {e.code}-{k}")
            for e in entities
            for k in range(SITES_PER_ENTITY)
        ]
    )
    managers = User.objects.bulk_create(
        [User(username=f"qm-{d.code}", email=f"qm-{d.code}@bench.example") for d in departments]
    )
    agents = User.objects.bulk_create(
        [User(username=f"agent-{s.code}", email=f"agent-{s.code}@bench.example") for s in sites]
    )
    entity_by_id = {e.pk: e for e in entities}
    Membership.objects.bulk_create(
        [
            Membership(user=u, role="quality_manager", department=d)
            for u, d in zip(managers, departments, strict=True)
        ]
        + [
            Membership(
                user=a,
                role="agent",
                department_id=entity_by_id[s.entity_id].department_id,
                entity_id=s.entity_id,
                site=s,
            )
            for a, s in zip(agents, sites, strict=True)
        ]
    )
    return departments, sites, {s.pk: a.pk for s, a in zip(sites, agents, strict=True)}
