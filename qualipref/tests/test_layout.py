"""The page header (`{% page_header %}`, qualipref.templatetags.layout), built in Python and partly kept
per process: what each user sees is their own (name, assignments, badges, current entry), escaped, and its
logout form carries a token that works."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sites.models import Membership, Role
from tests.factories import UserFactory, make_correspondence

pytestmark = pytest.mark.django_db


def header(client, url="/complaints/"):
    html = client.get(url).content.decode()
    return re.search(r"<header>.*</header>", html, re.S).group(0)


def test_the_header_shows_the_users_scope_badges_and_current_entry(client, org, arles_referent):
    make_correspondence(org.arles, received_on=timezone.localdate() - dt.timedelta(days=40))
    client.force_login(arles_referent)
    html = header(client)
    complaints = reverse("complaints:correspondence_list")
    assert (
        f'<a class="dropdown-item active" href="{complaints}" aria-current="page">Réclamations et demandes'
        ' <span class="badge rounded-pill text-bg-danger">1<span class="visually-hidden"> à traiter</span>'
    ) in html
    assert html.count('aria-current="page"') == 1
    assert 'title="1 demande en retard"' in html  # the « À traiter » entry names what is late
    assert "<li><strong>Référent(e) qualité</strong> · Arles</li>" in html
    assert "Périmètre :" in html and "Arles <span" in html
    # another page of the same user: another current entry, the same badges
    other = header(client, reverse("indicators:indicator_list"))
    assert 'aria-current="page">Indicateurs</a>' in other
    assert f'class="dropdown-item" href="{complaints}">Réclamations' in other
    # a page outside the menu: no current entry
    assert 'aria-current="page"' not in header(client, "/")


def test_each_user_sees_their_own_name_and_assignments_escaped(client, org, quality_manager):
    client.force_login(quality_manager)
    assert "<li><strong>Chargé(e) de mission qualité</strong> · Bouches-du-Rhône (13)</li>" in header(client)
    odd = UserFactory(username="odd", first_name="<b>Zoé</b>", last_name="{Dupont}")
    client.force_login(odd)
    html = header(client, "/")
    assert "&lt;b&gt;Zoé&lt;/b&gt; {Dupont}" in html and "<b>Zoé</b>" not in html
    assert "Aucune affectation : demandez-la à votre chargé(e) de mission qualité." in html
    assert "Périmètre" not in html and "Bouches-du-Rhône" not in html
    # a new assignment shows on the next page (the kept markup is keyed by what it shows)
    Membership.objects.create(
        user=odd, role=Role.AGENT, department=org.bdr, entity=org.arles_entity, site=org.arles
    )
    odd = type(odd).objects.get(pk=odd.pk)
    client.force_login(odd)
    assert "<li><strong>Agent d&#x27;accueil</strong> · Arles</li>" in header(client, "/")


def test_the_logout_form_carries_a_working_token(org, quality_manager):
    client = Client(enforce_csrf_checks=True)
    client.force_login(quality_manager)
    html = header(client)
    token = re.search(
        r'<form method="post" action="/accounts/logout/"><input type="hidden" '
        r'name="csrfmiddlewaretoken" value="(\w+)">',
        html,
    ).group(1)
    assert client.post(reverse("logout"), {"csrfmiddlewaretoken": token}).status_code == 302
    assert client.get("/complaints/").status_code == 302  # signed out: sent to the login page


def test_the_anonymous_header_holds_only_the_brand(client, org):
    html = header(client, reverse("login"))
    assert 'class="navbar-brand fw-semibold" href="/"' in html
    assert "menu" not in html and "Se déconnecter" not in html
