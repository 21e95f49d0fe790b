"""Factories that keep related rows on the same site, and the named personas' organisation."""

from types import SimpleNamespace

import factory

from sites.models import Department, Entity, Membership, ReceptionPoint, Site, User


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{n + 1:02d}")
    name = factory.Sequence(lambda n: f"Département {n + 1}")


class EntityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entity

    department = factory.SubFactory(DepartmentFactory)
    code = factory.Sequence(lambda n: f"entite-{n}")
    name = factory.Sequence(lambda n: f"Sous-préfecture {n}")
    kind = Entity.Kind.SUBPREFECTURE


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    entity = factory.SubFactory(EntityFactory)
    code = factory.Sequence(lambda n: f"site-{n}")
    name = factory.Sequence(lambda n: f"Site {n}")
    city = "Marseille"


class ReceptionPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReceptionPoint

    site = factory.SubFactory(SiteFactory)
    code = factory.Sequence(lambda n: f"accueil-{n}")
    name = factory.Sequence(lambda n: f"Accueil {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Camille"
    email = factory.LazyAttribute(lambda u: f"{u.username}@qualipref.example")
    last_name = factory.Sequence(lambda n: f"Agent{n}")
    password = factory.django.Password("qualipref2015")


def build_organisation():
    bdr = DepartmentFactory(code="13", name="Bouches-du-Rhône")
    prefecture = EntityFactory(
        department=bdr,
        code="prefecture-13",
        name="Préfecture des Bouches-du-Rhône",
        kind=Entity.Kind.PREFECTURE,
        order=1,
    )
    aix_entity = EntityFactory(
        department=bdr, code="sp-aix", name="Sous-préfecture d'Aix-en-Provence", order=2
    )
    arles_entity = EntityFactory(department=bdr, code="sp-arles", name="Sous-préfecture d'Arles", order=3)
    istres_entity = EntityFactory(department=bdr, code="sp-istres", name="Sous-préfecture d'Istres", order=4)
    vaucluse = DepartmentFactory(code="84", name="Vaucluse")
    vaucluse_entity = EntityFactory(
        department=vaucluse, code="prefecture-84", name="Préfecture de Vaucluse", kind=Entity.Kind.PREFECTURE
    )
    org = SimpleNamespace(
        bdr=bdr,
        vaucluse=vaucluse,
        prefecture=prefecture,
        aix_entity=aix_entity,
        arles_entity=arles_entity,
        istres_entity=istres_entity,
        vaucluse_entity=vaucluse_entity,
        peytral=SiteFactory(entity=prefecture, code="peytral", name="Peytral"),
        saint_sebastien=SiteFactory(entity=prefecture, code="saint-sebastien", name="Saint-Sébastien"),
        aix=SiteFactory(entity=aix_entity, code="aix-en-provence", name="Aix-en-Provence"),
        arles=SiteFactory(entity=arles_entity, code="arles", name="Arles"),
        istres=SiteFactory(entity=istres_entity, code="istres", name="Istres"),
        avignon=SiteFactory(entity=vaucluse_entity, code="avignon", name="Avignon"),
    )
    for site in (org.peytral, org.saint_sebastien, org.aix, org.arles, org.istres, org.avignon):
        ReceptionPointFactory(site=site, code="accueil-general", name="Accueil général")
    return org


def persona(username, role, department, *, entity=None, site=None, **fields):
    user = UserFactory(username=username, **fields)
    Membership.objects.get_or_create(user=user, role=role, department=department, entity=entity, site=site)
    return user


# The named personas of the root conftest and of the access matrix: username, role, and the attributes of
# `build_organisation()` naming their département, entity and site; extra user fields.
PERSONAS = {
    "admin": ("admin", "admin", "bdr", None, None, {"is_staff": True, "is_superuser": True}),
    "quality_manager": ("qualite", "quality_manager", "bdr", None, None, {}),
    "arles_referent": ("referent.arles", "site_referent", "bdr", "arles_entity", "arles", {}),
    "peytral_referent": ("referent.peytral", "site_referent", "bdr", "prefecture", "peytral", {}),
    "istres_agent": ("agent.istres", "agent", "bdr", "istres_entity", "istres", {}),
    "committee_member": ("copil", "committee", "bdr", None, None, {}),
    "auditor": ("auditeur", "auditor", "bdr", None, None, {}),
    "outsider": ("referent.vaucluse", "site_referent", "vaucluse", "vaucluse_entity", "avignon", {}),
}


def named_persona(org, name):
    """The persona `name` of PERSONAS on the organisation `org` (see build_organisation)."""
    username, role, department, entity, site, fields = PERSONAS[name]
    return persona(
        username,
        role,
        getattr(org, department),
        entity=getattr(org, entity) if entity else None,
        site=getattr(org, site) if site else None,
        **fields,
    )


def make_correspondence(site, *, received_on, answered_on=None, kind="complaint", by=None, **fields):
    """A request (complaint, suggestion…) through the complaints app's own services, so its deadline,
    due date and figures are the application's; answered on `answered_on` when given."""
    from complaints.services import correspondence_create, correspondence_transition

    fields.setdefault("subject", "Attente au guichet")
    correspondence = correspondence_create(site=site, by=by, received_on=received_on, kind=kind, **fields)
    if answered_on:
        correspondence = correspondence_transition(
            correspondence=correspondence,
            to="answered",
            by=by,
            on=answered_on,
            answer="Réponse type.",
            today=answered_on,
        )
    return correspondence
