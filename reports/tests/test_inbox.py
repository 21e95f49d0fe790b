"""« À traiter » on the home page, per named persona: what each one sees, the one click to act, the
navigation's badges (one query), words instead of day counts, and the queries pinned."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actionplans.tests.factories import ActionFactory, ActionPlanFactory
from complaints.tests.factories import staff_form
from reports.inbox import badges_for, inbox_for
from steering.models import Agent, Document
from steering.tests.factories import AgentFactory, DeadlineFactory, DocumentFactory
from tests.factories import make_correspondence

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def items(org, istres_agent, today):
    """A late request of the Istres agent, a soon-due one at Arles, a late action, a document whose review
    is long past and an agent whose training has expired, all at Arles; a yearly users' committee that
    did not meet."""
    late_istres = make_correspondence(
        org.istres,
        received_on=today - dt.timedelta(days=40),
        assigned_to=istres_agent,
        subject="Dossier perdu",
    )
    soon_arles = make_correspondence(
        org.arles, received_on=today - dt.timedelta(days=14), subject="Horaires faux"
    )
    action = ActionFactory(
        plan=ActionPlanFactory(entity=org.arles_entity, year=today.year),
        title="Afficher les horaires d'affluence",
        start_on=today - dt.timedelta(days=60),
        due_on=today - dt.timedelta(days=5),
        sites=[org.arles],
    )
    document = DocumentFactory(
        department=org.bdr,
        entity=org.arles_entity,
        site=org.arles,
        title="Guide d'accueil d'Arles",
        status=Document.Status.IN_FORCE,
        review_on=dt.date(2024, 3, 12),
    )
    agent = AgentFactory(site=org.arles, last_name="Martin", first_name="Lucie")
    Agent.objects.filter(pk=agent.pk).update(training_due_on=today - dt.timedelta(days=2))
    DeadlineFactory(
        department=org.bdr,
        title="Comité local des usagers",
        kind="users_committee",
        frequency="yearly",
        starts_on=today - dt.timedelta(days=45),
    )
    return {"late": late_istres, "soon": soon_arles, "action": action, "document": document, "agent": agent}


def _home(client, user):
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_agent_sees_their_requests_to_answer_and_one_click_to_answer(client, istres_agent, items):
    html = _home(client, istres_agent)
    assert "Dossier perdu" in html and "Horaires faux" not in html
    assert reverse("complaints:correspondence_answer", args=[items["late"].pk]) in html
    assert "En retard" in html and "en retard depuis" in html
    # the navigation's badge counts the agent's late request
    assert 'text-bg-danger">1<span class="visually-hidden"> en retard ou sans action' in html


def test_the_agent_without_request_is_told_what_to_do_next(client, istres_agent, org):
    html = _home(client, istres_agent)
    assert "Aucune demande à répondre" in html
    assert reverse("complaints:correspondence_create") in html


def test_the_arles_referent_sees_every_kind_of_item_of_arles_only(client, arles_referent, items):
    html = _home(client, arles_referent)
    assert "Horaires faux" in html and "Dossier perdu" not in html
    assert "Afficher les horaires d&#x27;affluence" in html and "Clore avec une preuve" in html
    assert "Guide d&#x27;accueil d&#x27;Arles" in html and "Marquer la revue comme faite" in html
    assert "Lucie Martin" in html and "Enregistrer une formation" in html
    # a date, not a count of hundreds of days
    assert "en retard depuis le 12 mars 2024" in html
    assert "jours de retard" not in html
    badges = badges_for(arles_referent, timezone.localdate())
    assert badges.by_kind == {"requests": 0, "actions": 1, "findings": 0, "documents": 1, "trainings": 1}
    box = inbox_for(arles_referent, timezone.localdate(), badges=badges)
    late_kinds = sorted(i.kind for i in box.late if i.kind in ("request", "action", "document", "training"))
    assert len(late_kinds) == badges.total  # the badge counts what the inbox lists as late


def test_the_quality_manager_sees_late_items_by_site_and_the_missed_committee(client, quality_manager, items):
    html = _home(client, quality_manager)
    assert "En retard ou sans action, par site" in html
    assert html.index("Arles") < html.index("Istres")
    assert "Dossier perdu" in html
    assert "Horaires faux" not in html  # due soon, not late: the manager sees what is late
    assert "Comité local des usagers : aucune réunion enregistrée en" in html
    assert "Prochaines échéances du cycle" in html


def test_the_committee_member_sees_the_month_at_a_glance_and_the_dashboard(client, committee_member, items):
    html = _home(client, committee_member)
    assert reverse("dashboard:index") in html and "Ouvrir le tableau de bord du comité" in html
    assert "demande en retard" in html and "action en retard" in html
    assert "en retard ou sans action</span>" not in html  # no badge: nothing is theirs to do


def test_the_outsider_sees_nothing_of_another_departement(client, outsider, items):
    html = _home(client, outsider)
    for text in ("Dossier perdu", "Horaires faux", "Guide d&#x27;accueil", "Lucie Martin", "Comité local"):
        assert text not in html
    assert badges_for(outsider, timezone.localdate()).total == 0


def test_the_administrator_sees_one_departement_at_a_time(client, administrator, org, items, today):
    """A scope over several départements (the administrator: 13 and 84) shows the first by code, then the
    one chosen, each with its own items and counts; a département outside the scope is not shown."""
    make_correspondence(org.avignon, received_on=today - dt.timedelta(days=40), subject="Courrier égaré")
    client.force_login(administrator)
    html = client.get("/").content.decode()
    assert '<select name="department"' in html and "84 · Vaucluse" in html
    assert "Dossier perdu" in html and "Courrier égaré" not in html
    html = client.get("/", {"department": org.vaucluse.pk}).content.decode()
    assert "Courrier égaré" in html and "Dossier perdu" not in html and "Guide d&#x27;accueil" not in html
    assert "1 demande en retard" in html
    html = client.get("/", {"department": "999999"}).content.decode()
    assert "Dossier perdu" in html and "Département inconnu dans votre périmètre" in html
    # a request written since shows in the 84's page at once (the page is not kept over a write)
    make_correspondence(org.avignon, received_on=today - dt.timedelta(days=41), subject="Second courrier")
    assert "Second courrier" in client.get("/", {"department": org.vaucluse.pk}).content.decode()


def test_a_scope_of_one_departement_has_no_choice_and_never_reaches_another(client, quality_manager, org):
    client.force_login(quality_manager)
    make_correspondence(
        org.avignon, received_on=timezone.localdate() - dt.timedelta(days=40), subject="Égaré"
    )
    html = client.get("/", {"department": org.vaucluse.pk}).content.decode()
    assert '<select name="department"' not in html and "Égaré" not in html


@pytest.mark.parametrize(
    ("persona", "limit"),
    # computed: the stamp of the data (qualipref.versions) is one query more than before the cache
    [("istres_agent", 14), ("arles_referent", 23), ("quality_manager", 24), ("committee_member", 15)],
)
def test_the_home_page_of_each_persona_runs_a_bounded_constant_number_of_queries(
    request, client, items, org, today, persona, limit, django_assert_max_num_queries
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    with django_assert_max_num_queries(limit), CaptureQueriesContext(connection) as small:
        client.get("/")
    # the same page again, nothing written: the panels come from the cache (qualipref.versions): session,
    # user, scope, the data's stamp, the menu's badges (not for a committee member: nothing is late for them)
    with django_assert_max_num_queries(5):
        client.get("/")
    for n in range(4):  # more of every kind: the same queries
        make_correspondence(
            org.istres, received_on=today - dt.timedelta(days=30 + n), assigned_to=items["late"].assigned_to
        )
        make_correspondence(org.arles, received_on=today - dt.timedelta(days=30 + n))
        ActionFactory(plan=items["action"].plan, due_on=today - dt.timedelta(days=n + 1), sites=[org.arles])
        DocumentFactory(
            department=org.bdr, entity=org.arles_entity, review_on=today - dt.timedelta(days=n + 1)
        )
    # what was written changes the stamp: the page is computed again, with the same queries
    with CaptureQueriesContext(connection) as large:
        client.get("/")
    assert len(large) == len(small)


def test_the_home_page_is_kept_until_a_write_of_its_departement(
    client, org, istres_agent, outsider, items, today, django_assert_max_num_queries
):
    """The panels are rendered once (qualipref.versions): a write in another département leaves them, the
    agent's own answer (through the page that records it) takes the request off at the next view."""
    html = _home(client, istres_agent)
    assert "Dossier perdu" in html
    client.force_login(outsider)  # the Vaucluse referent logs a request in the 84
    logged = client.post(
        reverse("complaints:correspondence_create"), staff_form(org.avignon, subject="Attente à Avignon")
    )
    assert logged.status_code == 302
    client.force_login(istres_agent)
    with django_assert_max_num_queries(5):  # still from the cache: session, user, scope, stamp, badges
        assert "Dossier perdu" in client.get("/").content.decode()
    answer = reverse("complaints:correspondence_answer", args=[items["late"].pk])
    response = client.post(answer, {"answered_on": today.isoformat(), "answer": "Retrouvé, merci."})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert "Dossier perdu" not in html
    assert 'text-bg-danger">1<' not in html  # nor in the badges


def test_the_badges_cost_one_query_on_any_page(
    client, org, arles_referent, items, today, django_assert_num_queries
):
    """One query when the referent's data changed since their last page; none otherwise (kept: the stamp
    is read with the scope)."""

    def badge_queries(url):
        with CaptureQueriesContext(connection) as page:
            html = client.get(url).content.decode()
        return [q for q in page.captured_queries if q["sql"].count("COUNT(") >= 5], html

    client.force_login(arles_referent)
    client.get("/")  # session, scope warmed
    queries, html = badge_queries(reverse("steering:committee_list"))
    assert queries == [] and 'rounded-pill text-bg-danger">3<' in html
    make_correspondence(org.arles, received_on=today - dt.timedelta(days=40), subject="Nouveau retard")
    queries, html = badge_queries(reverse("steering:committee_list"))
    assert len(queries) == 1, [q["sql"][:200] for q in queries]
    assert 'rounded-pill text-bg-danger">4<' in html


def test_the_badges_sql_is_compiled_once_but_every_page_counts_afresh(org, arles_referent, items, today):
    """The badges' SQL is kept per (user, day, scope); the counts are not: a new late item, and a scope
    that grows, show on the next page."""
    from reports import inbox
    from sites.access import scope_for
    from sites.models import Membership, Role

    inbox._COMPILED_BADGES.clear()
    before = badges_for(arles_referent, today)
    assert len(inbox._COMPILED_BADGES) == 1
    make_correspondence(org.arles, received_on=today - dt.timedelta(days=40), subject="Deuxième retard")
    again = badges_for(arles_referent, today)
    assert len(inbox._COMPILED_BADGES) == 1  # the same SQL…
    assert again.by_kind["requests"] == before.by_kind["requests"] + 1  # …counted again

    # Istres joins the referent's scope: another key, another SQL, Istres's late request counted.
    Membership.objects.create(
        user=arles_referent,
        role=Role.SITE_REFERENT,
        department=org.bdr,
        entity=org.istres.entity,
        site=org.istres,
    )
    narrower = scope_for(arles_referent).key
    del arles_referent._qualipref_scope
    assert scope_for(arles_referent).key != narrower
    wider = badges_for(arles_referent, today)
    assert len(inbox._COMPILED_BADGES) == 2
    assert wider.by_kind["requests"] == again.by_kind["requests"] + 1


def test_every_reading_of_the_inbox_follows_the_data_though_its_sql_is_compiled_once(
    org, istres_agent, arles_referent, items, today
):
    """The inbox's readings (requests, actions, findings, agents, documents) are compiled once per user,
    scope and day: a second reading of the same day still sees what changed in between."""
    from complaints.models import Correspondence

    def titles(user):
        return sorted(i.title for i in inbox_for(user, today).items)

    assert any("Dossier perdu" in t for t in titles(istres_agent))
    before = titles(arles_referent)
    assert any("Horaires faux" in t for t in before) and "Afficher les horaires d'affluence" in before
    assert "Guide d'accueil d'Arles" in before and "Lucie Martin" in before
    # answered, done, reviewed, trained: each leaves at the next reading
    Correspondence.objects.filter(pk__in=[items["late"].pk, items["soon"].pk]).update(status="closed")
    items["action"].status, items["action"].completed_on = "done", today
    items["action"].save()
    Document.objects.filter(pk=items["document"].pk).update(review_on=today + dt.timedelta(days=400))
    Agent.objects.filter(pk=items["agent"].pk).update(training_due_on=today + dt.timedelta(days=400))
    assert not any("Dossier perdu" in t for t in titles(istres_agent))
    after = titles(arles_referent)
    assert not any("Horaires faux" in t for t in after)
    assert not {"Afficher les horaires d'affluence", "Guide d'accueil d'Arles", "Lucie Martin"} & set(after)
