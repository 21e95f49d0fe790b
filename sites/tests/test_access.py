"""The access helper with named personas: who reads and writes which sites."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from referential.models import LabelScope
from sites.access import FINDINGS, READ, REQUESTS, WRITE, get_for_user, scope_for, visible, writable
from sites.models import Entity, Site


def names(queryset):
    return sorted(queryset.values_list("code", flat=True))


def test_the_quality_manager_reads_and_writes_every_site_of_the_departement(quality_manager, org):
    assert names(visible(quality_manager, Site.objects)) == [
        "aix-en-provence",
        "arles",
        "istres",
        "peytral",
        "saint-sebastien",
    ]
    assert names(writable(quality_manager, Site.objects)) == names(visible(quality_manager, Site.objects))
    assert scope_for(quality_manager).ids("department", WRITE) == {org.bdr.pk}


def test_the_arles_referent_reads_arles_and_not_istres(arles_referent, org):
    assert names(visible(arles_referent, Site.objects)) == ["arles"]
    assert get_for_user(Site.objects.all(), arles_referent, code="arles") == org.arles
    with pytest.raises(Http404):
        get_for_user(Site.objects.all(), arles_referent, code="istres")


def test_the_arles_referent_acts_on_the_whole_arles_entity(arles_referent, org):
    assert names(writable(arles_referent, Entity.objects)) == ["sp-arles"]
    assert get_for_user(Entity.objects.all(), arles_referent, perm=WRITE, pk=org.arles_entity.pk)


def test_a_peytral_referent_reads_the_prefecture_but_cannot_change_saint_sebastien_rows(
    peytral_referent, org
):
    assert names(visible(peytral_referent, Entity.objects)) == ["prefecture-13"]
    # the préfecture has two sites: holding one of them is not enough to change the entity's own rows
    assert names(writable(peytral_referent, Entity.objects)) == []
    with pytest.raises(Http404):
        get_for_user(Site.objects.all(), peytral_referent, code="saint-sebastien")


def test_the_committee_member_reads_everything_and_cannot_write(committee_member, org):
    assert len(names(visible(committee_member, Site.objects))) == 5
    assert names(writable(committee_member, Site.objects)) == []
    with pytest.raises(PermissionDenied):
        get_for_user(Site.objects.all(), committee_member, perm=WRITE, code="arles")


def test_the_istres_agent_answers_requests_but_does_not_write_the_rest(istres_agent, org):
    scope = scope_for(istres_agent)
    assert scope.site_ids(READ) == {org.istres.pk}
    assert scope.site_ids(REQUESTS) == {org.istres.pk}
    assert scope.site_ids(WRITE) == set()
    with pytest.raises(PermissionDenied):
        get_for_user(Site.objects.all(), istres_agent, perm=WRITE, code="istres")


def test_the_auditor_reads_the_scope_and_may_write_findings_only(auditor, org):
    scope = scope_for(auditor)
    assert len(scope.site_ids(READ)) == 5
    assert len(scope.site_ids(FINDINGS)) == 5
    assert scope.site_ids(WRITE) == set()


def test_the_outsider_from_vaucluse_sees_nothing_of_the_bouches_du_rhone(outsider, org):
    assert names(visible(outsider, Site.objects)) == ["avignon"]
    for code in ("peytral", "arles", "istres"):
        # 404, not 403: the outsider must not even learn that the site exists
        with pytest.raises(Http404):
            get_for_user(Site.objects.all(), outsider, perm=WRITE, code=code)


def test_entity_scoped_rows_follow_the_same_rule(outsider, arles_referent, org, db):
    from referential.models import Module, Referential

    module = Module.objects.create(
        referential=Referential.objects.create(code="q", name="Q", version="1"), number=1, title="Accueil"
    )
    LabelScope.objects.create(entity=org.arles_entity, module=module)
    LabelScope.objects.create(entity=org.istres_entity, module=module)
    assert visible(arles_referent, LabelScope.objects).get().entity == org.arles_entity
    assert not visible(outsider, LabelScope.objects).exists()


def test_a_user_without_membership_sees_nothing(db, org):
    from tests.factories import UserFactory

    assert scope_for(UserFactory()).is_empty


def test_an_inactive_user_sees_nothing(arles_referent):
    arles_referent.is_active = False
    arles_referent.save()
    arles_referent._qualipref_scope = None
    assert scope_for(arles_referent).is_empty


def test_the_scope_costs_one_query_then_none(arles_referent, django_assert_num_queries):
    with django_assert_num_queries(1):
        scope_for(arles_referent)
    with django_assert_num_queries(0):
        scope_for(arles_referent)
        # the filters it compiles are memoised with it: the same Q object on each call
        assert scope_for(arles_referent).q(Site) is scope_for(arles_referent).q(Site)


def test_the_scope_query_also_reads_the_memberships_shown_in_the_header(
    arles_referent, quality_manager, django_assert_num_queries
):
    from sites.models import Membership
    from sites.selectors import memberships_of

    for user in (arles_referent, quality_manager):
        expected = {
            m.pk: m
            for m in Membership.objects.filter(user=user).select_related("department", "entity", "site")
        }
        user._qualipref_scope = None
        with django_assert_num_queries(1):
            memberships = memberships_of(user)
        assert sorted(m.pk for m in memberships) == sorted(expected)
        for m in memberships:
            assert (m.scope_label, str(m.department), m.role) == (
                expected[m.pk].scope_label,
                str(expected[m.pk].department),
                expected[m.pk].role,
            )
        codes = [m.department.code for m in memberships]
        assert codes == sorted(codes)


def test_the_superuser_scope_costs_one_query(admin_user, org, django_assert_num_queries):
    every_site = set(Site.objects.values_list("pk", flat=True))
    with django_assert_num_queries(1):
        scope = scope_for(admin_user)
    assert scope.site_ids(WRITE) == every_site


# ---- the declarations the one rule reads (scope_path) -----------------------------------------------------


def test_a_model_without_scope_path_has_no_access_rule():
    from sites.access import rule_of
    from sites.models import Membership

    with pytest.raises(TypeError):
        rule_of(Membership)


def test_narrowed_rows_are_read_and_written_at_their_narrowest_level(arles_referent, quality_manager, org):
    import datetime as dt

    from sites.access import allows
    from steering.models import Deadline

    common = {
        "kind": Deadline.Kind.COPIL,
        "frequency": Deadline.Frequency.ONCE,
        "starts_on": dt.date(2015, 3, 1),
    }
    at_arles = Deadline.objects.create(
        department=org.bdr, entity=org.arles_entity, site=org.arles, title="arles", **common
    )
    at_istres = Deadline.objects.create(
        department=org.bdr, entity=org.istres_entity, site=org.istres, title="istres", **common
    )
    whole = Deadline.objects.create(department=org.bdr, title="département", **common)
    titles = lambda qs: sorted(qs.values_list("title", flat=True))  # noqa: E731
    assert titles(visible(arles_referent, Deadline.objects)) == ["arles", "département"]
    assert titles(writable(arles_referent, Deadline.objects)) == ["arles"]
    assert titles(writable(quality_manager, Deadline.objects)) == ["arles", "département", "istres"]
    assert allows(arles_referent, at_arles, WRITE) and not allows(arles_referent, whole, WRITE)
    assert not allows(arles_referent, at_istres)


def test_an_action_is_written_by_who_writes_every_site_it_names(peytral_referent, quality_manager, org):
    import datetime as dt

    from actionplans.models import Action, ActionPlan
    from sites.access import allows

    plan = ActionPlan.objects.create(entity=org.prefecture, year=2015, title="Plan 2015")

    def action(*sites):
        a = Action.objects.create(
            entity=org.prefecture,
            plan=plan,
            title=f"Signalétique ({len(sites)} sites, n° {Action.objects.count() + 1})",
            owner=quality_manager,
            due_on=dt.date(2015, 6, 30),
        )
        a.sites.set(sites)
        return a

    peytral_only, both, none = action(org.peytral), action(org.peytral, org.saint_sebastien), action()
    assert allows(peytral_referent, peytral_only, WRITE)
    assert not allows(peytral_referent, both, WRITE) and not allows(peytral_referent, none, WRITE)
    assert list(writable(peytral_referent, Action.objects)) == [peytral_only]
    # all three are read: the préfecture is read through Peytral
    assert visible(peytral_referent, Action.objects).count() == 3


def test_the_scope_of_a_set_of_sites_reaches_rows_as_their_reader_does(org):
    from sites.access import sites_scope

    scope = sites_scope([org.arles.pk])
    assert names(visible(scope, Site.objects)) == ["arles"]
    assert names(visible(scope, Entity.objects)) == ["sp-arles"]
    assert scope.ids("department") == {org.bdr.pk}


def test_an_api_client_reads_and_writes_its_sites_only(org, quality_manager):
    from indicators.services import api_client_create

    client, _ = api_client_create(
        department=org.bdr, name="Plateforme", sites=[org.peytral], by=quality_manager
    )
    assert names(writable(client, Site.objects)) == ["peytral"]
    # the préfecture is read through Peytral, not changed: Saint-Sébastien is not the client's
    assert names(visible(client, Entity.objects)) == ["prefecture-13"]
    assert names(writable(client, Entity.objects)) == []


def test_the_entities_reached_are_known_without_a_query(
    org, quality_manager, arles_referent, peytral_referent, outsider, django_assert_num_queries
):
    from sites.access import entity_ids_reached

    for user in (quality_manager, arles_referent, peytral_referent, outsider):
        scope = scope_for(user)
        for perm in (READ, WRITE, REQUESTS, FINDINGS):
            # what it is: the entities held whole, and those of the sites held (one query to compare)
            expected = scope.ids("entity", perm) | set(
                Site.objects.filter(pk__in=scope.site_ids(perm)).values_list("entity_id", flat=True)
            )
            with django_assert_num_queries(0):
                assert entity_ids_reached(user, perm) == expected, (user, perm)
    assert entity_ids_reached(peytral_referent) == {org.prefecture.pk}
    assert entity_ids_reached(outsider) == {org.vaucluse_entity.pk}


def test_a_scope_within_one_departement_is_never_more_than_the_scope(
    org, administrator, arles_referent, outsider
):
    """`AccessScope.within`: the sites, entities and département of one département, per permission, out of
    the scope's own (the home page of a scope over several départements reads with it)."""
    vaucluse = scope_for(administrator).within(org.vaucluse.pk)
    assert vaucluse.site_ids(WRITE) == {org.avignon.pk}
    assert vaucluse.ids("entity", READ) == {org.vaucluse_entity.pk}
    assert vaucluse.ids("department", READ) == {org.vaucluse.pk}
    assert list(vaucluse.filter(Site.objects.all())) == [org.avignon]
    assert scope_for(outsider).within(org.bdr.pk).is_empty
    arles = scope_for(arles_referent).within(org.bdr.pk)
    assert arles.key == scope_for(arles_referent).key  # all of it is in the 13 already
    assert not scope_for(arles_referent).within(org.vaucluse.pk).can(READ)
