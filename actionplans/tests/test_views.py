import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse

from actionplans.models import Action

from .factories import ActionFactory, ActionPlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 10, 10, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def arles_action(org, arles_referent):
    return ActionFactory(
        plan=ActionPlanFactory(entity=org.arles_entity),
        owner=arles_referent,
        sites=[org.arles],
        title="Affichage",
    )


def test_lists_board_and_plan_show_the_scope(client, org, quality_manager, arles_action):
    client.force_login(quality_manager)
    for name in (
        "actionplans:action_list",
        "actionplans:action_board",
        "actionplans:plan_list",
        "actionplans:loop",
    ):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
    assert "Affichage" in client.get(reverse("actionplans:action_list")).content.decode()
    assert client.get(arles_action.plan.get_absolute_url()).status_code == 200
    assert client.get(arles_action.get_absolute_url()).status_code == 200


def test_an_outsider_gets_404_everywhere(client, outsider, arles_action):
    client.force_login(outsider)
    urls = [
        arles_action.get_absolute_url(),
        reverse("actionplans:action_update", args=[arles_action.pk]),
        reverse("actionplans:plan_detail", args=[arles_action.plan_id]),
        reverse("actionplans:plan_export", args=[arles_action.plan_id]),
        reverse("actionplans:plan_import", args=[arles_action.plan_id]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("actionplans:action_transition", args=[arles_action.pk]), {"target": "in_progress"}
    )
    assert response.status_code == 404
    assert "Affichage" not in client.get(reverse("actionplans:action_list")).content.decode()


def test_the_committee_reads_but_cannot_write(client, committee_member, arles_action):
    client.force_login(committee_member)
    page = client.get(arles_action.get_absolute_url())
    assert page.status_code == 200 and "Marquer réalisée" not in page.content.decode()
    assert client.get(reverse("actionplans:action_create")).status_code == 403
    response = client.post(
        reverse("actionplans:action_transition", args=[arles_action.pk]), {"target": "in_progress"}
    )
    assert response.status_code == 403
    arles_action.refresh_from_db()
    assert arles_action.status == "planned"


def test_a_site_referent_writes_the_actions_of_their_site_only(client, org, peytral_referent):
    plan = ActionPlanFactory(entity=org.prefecture)
    peytral = ActionFactory(plan=plan, owner=peytral_referent, sites=[org.peytral])
    saint_sebastien = ActionFactory(plan=plan, owner=peytral_referent, sites=[org.saint_sebastien])
    client.force_login(peytral_referent)
    url = reverse("actionplans:action_transition", args=[peytral.pk])
    assert client.post(url, {"target": "in_progress"}).status_code == 302
    url = reverse("actionplans:action_transition", args=[saint_sebastien.pk])
    assert client.post(url, {"target": "in_progress"}).status_code == 403


def test_creating_an_action_with_bad_dates_re_displays_the_form(client, org, arles_referent):
    client.force_login(arles_referent)
    data = {
        "title": "Boîte aux lettres du service associations",
        "entity": org.arles_entity.pk,
        "sites": [org.arles.pk],
        "category": "improvement",
        "origin_kind": "free_text",
        "owner": arles_referent.pk,
        "start_on": "2026-04-01",
        "due_on": "2026-03-01",
    }
    response = client.post(reverse("actionplans:action_create"), data)
    assert response.status_code == 200
    assert "L&#x27;échéance ne peut pas précéder la date de début." in response.content.decode()
    assert not Action.objects.exists()
    data["due_on"] = "2026-05-01"
    response = client.post(reverse("actionplans:action_create"), data)
    action = Action.objects.get()
    assert response.url == action.get_absolute_url() and action.plan.year == 2026


def test_marking_done_without_a_date_is_refused_with_a_message(client, arles_referent, arles_action):
    client.force_login(arles_referent)
    url = reverse("actionplans:action_transition", args=[arles_action.pk])
    response = client.post(url, {"target": "done", "completed_on": ""})
    assert response.status_code == 400
    assert "Indiquez la date de réalisation" in response.content.decode()
    response = client.post(url, {"target": "done", "completed_on": "2026-03-09"})
    arles_action.refresh_from_db()
    assert response.status_code == 302 and arles_action.status == "done"


def test_filters_select_overdue_and_status(client, org, quality_manager):
    plan = ActionPlanFactory(entity=org.arles_entity)
    late = ActionFactory(plan=plan, title="En retard", due_on=dt.date(2026, 3, 1))
    ActionFactory(plan=plan, title="À venir", due_on=dt.date(2026, 9, 1))
    client.force_login(quality_manager)
    response = client.get(reverse("actionplans:action_list"), {"overdue": "on"})
    assert [a.pk for a in response.context["actions"]] == [late.pk]
    response = client.get(reverse("actionplans:action_list"), {"status": "planned", "site": org.arles.pk})
    assert len(response.context["actions"]) == 2


def test_my_actions_lists_what_i_lead_or_contribute_to(client, org, arles_referent, quality_manager):
    plan = ActionPlanFactory(entity=org.arles_entity)
    mine = ActionFactory(plan=plan, owner=arles_referent, title="Je pilote")
    helped = ActionFactory(plan=plan, owner=quality_manager, title="J'aide")
    helped.contributors.add(arles_referent)
    ActionFactory(plan=plan, owner=quality_manager, title="Pas moi")
    client.force_login(arles_referent)
    response = client.get(reverse("actionplans:my_actions"))
    assert {a.pk for a in response.context["open_actions"]} == {mine.pk, helped.pk}


def _rows(org, owner, n):
    plan = ActionPlanFactory(entity=org.arles_entity)
    for i in range(n):
        action = ActionFactory(plan=plan, owner=owner, sites=[org.arles], due_on=dt.date(2026, 3, 1 + i))
        action.contributors.add(owner)


@pytest.mark.parametrize(
    "name",
    [
        "actionplans:action_list",
        "actionplans:action_board",
        "actionplans:my_actions",
        "actionplans:plan_list",
    ],
)
def test_list_pages_cost_a_constant_number_of_queries(
    client, org, quality_manager, name, django_assert_num_queries
):
    """Each view measured just after a write (a page kept until a write is computed again: the cost
    measured is the computation's, with 3 rows then 15)."""
    client.force_login(quality_manager)
    client.get(reverse(name))
    _rows(org, quality_manager, 3)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(name)).status_code == 200
    _rows(org, quality_manager, 12)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(reverse(name)).status_code == 200


def test_plan_page_costs_a_constant_number_of_queries(
    client, org, quality_manager, django_assert_max_num_queries
):
    client.force_login(quality_manager)
    plan = ActionPlanFactory(entity=org.arles_entity)
    ActionFactory(plan=plan, owner=quality_manager, sites=[org.arles])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(plan.get_absolute_url())
    for _ in range(10):
        ActionFactory(plan=plan, owner=quality_manager, sites=[org.arles])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(plan.get_absolute_url())


def test_plan_approval_and_outlook(client, org, quality_manager):
    plan = ActionPlanFactory(entity=org.arles_entity, year=2026)
    client.force_login(quality_manager)
    url = reverse("actionplans:plan_transition", args=[plan.pk])
    client.post(url, {"target": "approved", "approved_on": "2026-01-15", "approved_by_committee": "COPIL"})
    plan.refresh_from_db()
    assert plan.status == "approved" and plan.approved_on == dt.date(2026, 1, 15)
    response = client.post(reverse("actionplans:plan_next", args=[plan.pk]))
    nxt = plan.entity.actionplan_set.get(year=2027)
    assert response.url == nxt.get_absolute_url() and nxt.status == "draft"


def test_evidence_and_comments(client, arles_referent, arles_action):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from qualipref.attachments.services import attachments_for

    client.force_login(arles_referent)
    pdf = SimpleUploadedFile("photo.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    client.post(
        reverse("actionplans:action_evidence", args=[arles_action.pk]), {"file": pdf, "description": "Photo"}
    )
    client.post(
        reverse("actionplans:action_evidence", args=[arles_action.pk]),
        {"url": "https://intranet.example/compte-rendu"},
    )
    assert len(attachments_for(arles_action)) == 2
    client.post(reverse("actionplans:action_comment", args=[arles_action.pk]), {"text": "Devis reçu"})
    assert arles_action.comments.get().text == "Devis reçu"
    page = client.get(arles_action.get_absolute_url()).content.decode()
    assert "Devis reçu" in page and "photo.pdf" in page


def test_the_module_filter_offers_the_modules_of_past_cycles_the_actions_point_to(
    client, org, quality_manager, modules
):
    """Under Services Publics+, an action of the Qualipref 2.0 years keeps its module: the register's module
    filter offers it beside the eight engagements' module, and filters by it."""
    from referential.loader import SPPLUS_FILE, load_referential
    from referential.models import Module

    spplus = load_referential(SPPLUS_FILE).referential
    old = ActionFactory(plan__entity=org.arles_entity, module=modules[1], title="Action du cycle Qualipref")
    ActionFactory(plan__entity=org.arles_entity, title="Action sans module")
    client.force_login(quality_manager)
    response = client.get(reverse("actionplans:action_list"))
    offered = set(response.context["filter"].form.fields["module"].queryset)
    assert modules[1] in offered
    assert set(Module.objects.filter(referential=spplus)) <= offered
    assert modules[2] not in offered  # a past module no action points to
    listed = client.get(reverse("actionplans:action_list"), {"module": modules[1].pk})
    assert [a.title for a in listed.context["page_obj"]] == [old.title]
    assert not list(listed.context["messages"])


def test_the_action_page_costs_a_pinned_number_of_queries_whatever_its_comments_and_contributors(
    client, org, quality_manager, arles_referent, modules, django_assert_max_num_queries
):
    """The action's page reads its plan with the plan's entity (named in the breadcrumbs) and its engagement
    with its module (where its counterparts in the current referential start): no query of their own."""
    from actionplans.models import ActionComment

    engagement = modules[1].engagements.order_by("code").first()
    action = ActionFactory(
        plan=ActionPlanFactory(entity=org.arles_entity),
        owner=arles_referent,
        sites=[org.arles],
        module=modules[1],
        engagement=engagement,
    )
    client.force_login(quality_manager)
    url = reverse("actionplans:action_detail", args=[action.pk])
    assert client.get(url).status_code == 200  # the content types' cache is warm from now on
    cache.clear()  # the action's readings again (qualipref.versions): one query more, the stamp
    with django_assert_max_num_queries(13) as few:  # 12 and the stamp (15 before issue 22)
        client.get(url)
    # kept: session, user, scope, the action, its sites, its contributors, the stamp, the badges, the
    # referential of its counterparts
    with django_assert_max_num_queries(9):
        client.get(url)
    for n in range(5):
        ActionComment.objects.create(action=action, author=quality_manager, text=f"Point {n}")
    action.contributors.add(quality_manager, arles_referent)
    with django_assert_max_num_queries(len(few.captured_queries)):  # what was written: read again
        response = client.get(url)
    assert "Point 4" in response.content.decode() and engagement.code in response.content.decode()
