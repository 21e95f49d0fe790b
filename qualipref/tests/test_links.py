"""Every link the product prints or sends starts with the public address (settings.PUBLIC_URL), never with
the host the request used (a server reached as 127.0.0.1 prints the public site's address)."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from qualipref.links import absolute, absolute_reverse, public_host

PUBLIC = "https://qualite.example.gouv.fr"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _public(settings):
    settings.PUBLIC_URL = PUBLIC


def test_the_helper():
    assert absolute("/public/arles/avis/") == f"{PUBLIC}/public/arles/avis/"
    assert absolute("public/x") == f"{PUBLIC}/public/x"
    assert absolute("https://ailleurs.example/x") == "https://ailleurs.example/x"
    assert absolute_reverse("login") == f"{PUBLIC}/accounts/login/"
    assert public_host() == "qualite.example.gouv.fr"


def test_no_code_builds_an_address_from_the_request_host():
    """build_absolute_uri, request.get_host and settings.SITE_URL are gone from the code and templates."""
    offenders = []
    tops = [d for d in ROOT.iterdir() if d.is_dir() and (d / "__init__.py").exists()]
    paths = [p for top in tops for p in top.rglob("*.py")]
    paths += [*ROOT.glob("templates/**/*.html"), *ROOT.glob("templates/**/*.txt")]
    for path in paths:
        relative = path.relative_to(ROOT).as_posix()
        if "/tests/" in f"/{relative}":
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if re.search(r"build_absolute_uri|get_host|SITE_URL|request\.scheme", text):
            offenders.append(relative)
    assert not offenders, offenders


@pytest.mark.django_db
def test_the_calendar_feed_and_its_settings_page_use_the_public_address(client, org, arles_referent):
    from django.utils import timezone

    from steering import services as steering_services
    from steering.ical import feed_for_user
    from steering.models import Deadline

    deadline = Deadline.objects.create(
        department=org.bdr,
        entity=org.arles_entity,
        site=org.arles,
        title="Comité de pilotage",
        kind=Deadline.Kind.COPIL,
        frequency=Deadline.Frequency.MONTHLY,
        starts_on=timezone.localdate().replace(day=1),
    )
    token = steering_services.feed_token_regenerate(user=arles_referent)
    client.force_login(arles_referent)
    page = client.get(reverse("steering:feed_settings")).content.decode()
    assert f"{PUBLIC}/public/" in page and token.token in page
    feed = feed_for_user(arles_referent).decode()
    assert f"URL:{PUBLIC}{deadline.get_absolute_url()}" in feed.replace("\r\n ", "")
    assert "@qualite.example.gouv.fr" in feed


@pytest.mark.django_db
def test_the_api_schema_names_the_public_server(client):
    schema = client.get(reverse("indicators_api:schema")).json()
    assert schema["servers"][0]["url"].startswith(f"{PUBLIC}/api/")
