"""The public pages: only published snapshots, frozen figures, nothing internal, French 404."""

import csv
import io
import json
import re
import subprocess
from decimal import Decimal

import pytest
from django.utils import formats, timezone

from publication import services
from publication.opendata import COLUMNS
from surveys.models import Result

from . import factories as f
from .conftest import PERIOD


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def public_urls(site_code):
    return [
        "/public/",
        "/public/donnees/",
        "/public/departements/13/",
        f"/public/{site_code}/",
        f"/public/{site_code}/donnees.csv",
        f"/public/{site_code}/donnees.json",
    ]


def test_nothing_shows_before_publishing(client, org, arles_draft):
    html = page(client, "/public/arles/")
    assert "Ce site n'a pas encore publié de résultats" in html
    assert "51,5" not in html and "91" not in html
    assert "Arles" not in page(client, "/public/")
    assert client.get("/public/departements/13/").status_code == 404
    rows = list(csv.reader(io.StringIO(page(client, "/public/arles/donnees.csv"))))
    assert rows == [[c.name for c in COLUMNS]]
    assert json.loads(page(client, "/public/arles/donnees.json"))["donnees"] == []


def test_the_published_snapshot_shows_with_its_date_period_and_sources(client, org, arles_published):
    html = page(client, "/public/arles/")
    assert "51,5\u00a0%" in html and "91\u00a0%" in html
    assert "80\u00a0%" in html  # the previous campaign, for comparison
    assert "+11\u00a0points" in html
    assert "50\u00a0%" in html and "14,3\u00a0jours" in html
    published_on = formats.date_format(timezone.localtime(arles_published.published_at), "j F Y")
    assert f"Chiffres publiés le {published_on}." in html
    assert "Période des réclamations et des mesures : année 2015" in html
    assert "Source : Enquête de satisfaction des usagers 2015" in html
    assert "Registre des réclamations du site" in html
    # Arles appears on the index and the département's page.
    assert "Bouches-du-Rhône" in page(client, "/public/")
    assert 'href="/public/arles/"' in page(client, "/public/departements/13/")


def test_withdrawn_snapshots_disappear(client, org, arles_published, arles_referent):
    services.snapshot_withdraw(snapshot=arles_published, by=arles_referent)
    assert "51,5" not in page(client, "/public/arles/")
    assert json.loads(page(client, "/public/arles/donnees.json"))["donnees"] == []


def test_live_data_changed_after_publishing_does_not_change_the_public_page(
    client, org, arles_data, arles_published
):
    Result.objects.filter(criterion__code="attente", unit__campaign=arles_data["c2015"]).update(
        rate=Decimal("33.3")
    )
    f.complaint(org.arles, received_on=PERIOD[0], answered_on=PERIOD[0])
    html = page(client, "/public/arles/")
    assert "51,5\u00a0%" in html and "33,3" not in html
    assert "2 sur 4 réclamations" in html


def test_the_page_shows_how_to_reach_the_site_the_label_and_the_engagements(client, org, arles_published):
    org.arles.address, org.arles.opening_hours, org.arles.peak_hours = (
        "16 rue de la Bastille",
        "Du lundi au vendredi",
        "Mardi matin",
    )
    org.arles.save()
    point = org.arles.reception_points.get()
    point.phone, point.email, point.appointment_url = (
        "04 90 18 22 00",
        "accueil@arles.example",
        "https://rdv.example/arles",
    )
    point.save()
    html = page(client, "/public/arles/")
    for text in (
        "16 rue de la Bastille",
        "Du lundi au vendredi",
        "Mardi matin",
        "04 90 18 22 00",
        "accueil@arles.example",
        "https://rdv.example/arles",
        "Module 1 : Relation générale avec les usagers",
        "Accueillir de manière courtoise et attentive",
        "Labellisé",
    ):
        assert text in html, text
    assert 'href="/public/arles/avis/"' in html
    assert 'href="/public/arles/reclamation/"' in html
    assert 'lang="fr"' in html and "<main" in html and "<caption>" in html
    assert "Pilotage" not in html  # no internal navigation
    assert "<script" not in html


def test_nothing_internal_is_reachable_from_a_public_url(
    client, org, arles_published, istres_agent, arles_referent
):
    # An unpublished draft on another site, with a figure of its own.
    f.complaint(org.arles, received_on=PERIOD[0], answered_on=PERIOD[0], requester_name="Paul Secret")
    c2015 = arles_published.campaign
    f.results(c2015, org.istres, {"courtoisie": 12.3}, unit_code="istres", unit_name="Istres – accueil")
    services.snapshot_prepare(
        site=org.istres,
        start=PERIOD[0],
        end=PERIOD[1],
        families=["satisfaction"],
        campaign=c2015,
        by=arles_referent,
    )
    forbidden = [
        str(istres_agent),
        istres_agent.last_name,
        str(arles_referent),
        arles_referent.last_name,
        "Jeanne Requérante",
        "Paul Secret",
        "Texte confidentiel",
        "Attente au guichet",
        "12,3",
        "12.3",
    ]
    urls = public_urls("arles") + public_urls("istres")
    urls += ["/public/arles/affiche.pdf", "/public/istres/affiche.pdf"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = _text_of(response)
        for word in forbidden:
            assert word not in body, f"{word!r} is visible on {url}"


def _text_of(response):
    if response["Content-Type"] == "application/pdf":
        return subprocess.run(
            ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
        ).stdout.decode()
    return response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/public/inconnu/",
        "/public/inconnu/affiche.pdf",
        "/public/inconnu/donnees.csv",
        "/public/inconnu/donnees.json",
        "/public/departements/99/",
    ],
)
def test_an_unknown_site_answers_a_french_404(client, db, url):
    response = client.get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page introuvable" in html and 'lang="fr"' in html


def test_the_csv_has_the_documented_header_and_the_published_values(client, org, arles_published):
    response = client.get("/public/arles/donnees.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert list(rows[0]) == [c.name for c in COLUMNS]
    by_code = {(r["indicateur"], r["perimetre"]): r for r in rows}
    waiting = by_code[("satisfaction-attente", "Arles – pré-accueil")]
    assert waiting["valeur"] == "51.5" and waiting["unite"] == "%" and waiting["valeur_precedente"] == "50"
    assert waiting["site"] == "arles" and waiting["departement"] == "13"
    on_time = by_code[("reclamations-repondues-dans-le-delai", "")]
    assert on_time["valeur"] == "50" and on_time["periode"] == "année 2015"
    assert on_time["date_publication"] == timezone.localtime(arles_published.published_at).date().isoformat()
    assert len(rows) == arles_published.figures.count()


def test_the_json_has_the_documented_structure(client, org, arles_published):
    document = json.loads(page(client, "/public/arles/donnees.json"))
    assert document["format"] == "qualipref-resultats-publics" and document["version"] == 1
    assert document["site"] == {
        "code": "arles",
        "nom": "Arles",
        "entite": "Sous-préfecture d'Arles",
        "departement": "13",
    }
    assert document["colonnes"] == [c.name for c in COLUMNS]
    record = next(r for r in document["donnees"] if r["indicateur"] == "reclamations-delai-moyen-de-reponse")
    assert set(record) == set(document["colonnes"])
    assert record["valeur"] == 14.3 and record["unite"] == "jours" and record["valeur_precedente"] is None


def test_the_open_data_page_documents_every_column(client, db):
    html = page(client, "/public/donnees/")
    for column in COLUMNS:
        assert f"<code>{column.name}</code>" in html


def test_the_poster_is_an_a4_pdf_with_the_results_and_absolute_links(client, org, arles_published, settings):
    settings.PUBLIC_URL = "https://qualite.bouches-du-rhone.example"
    response = client.get("/public/arles/affiche.pdf")
    assert response["Content-Type"] == "application/pdf"
    info = subprocess.run(
        ["pdfinfo", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    assert re.search(r"^Pages:\s+1$", info, re.M) and "595.276 x 841.89" in info  # one A4 page
    text = _text_of(response)
    for expected in (
        "Arles : nos engagements, nos résultats",
        "Délai d'attente",
        "51,5 %",
        "50 %",
        "https://qualite.bouches-du-rhone.example/public/arles/avis/",
        "https://qualite.bouches-du-rhone.example/public/arles/reclamation/",
    ):
        # long addresses wrap inside their box: compare without whitespace
        assert re.sub(r"\s+", "", expected) in re.sub(r"\s+", "", text), expected


def test_the_qr_codes_encode_the_absolute_addresses(org, settings):
    from publication import poster

    settings.PUBLIC_URL = "https://qualite.example"
    assert poster.absolute(poster.feedback_path(org.arles)) == "https://qualite.example/public/arles/avis/"
    assert (
        poster.absolute(poster.complaint_path(org.arles))
        == "https://qualite.example/public/arles/reclamation/"
    )
    assert poster.qr_data_uri("https://qualite.example/public/arles/avis/").startswith("data:image/svg+xml")


def _publish_more(org, arles_published, arles_referent):
    """A second unit and a later publication: more rows, same page shape."""
    c2015 = arles_published.campaign
    f.results(
        c2015,
        org.arles,
        {"courtoisie": 70, "attente": 60},
        unit_code="associations",
        unit_name="Arles – associations",
    )
    for site in (org.istres, org.aix):
        f.results(c2015, site, {"courtoisie": 75}, unit_code=f"u-{site.code}", unit_name=site.name)
        draft = services.snapshot_prepare(
            site=site,
            start=PERIOD[0],
            end=PERIOD[1],
            families=["satisfaction"],
            campaign=c2015,
            by=arles_referent,
        )
        services.snapshot_publish(snapshot=draft, by=arles_referent)
    draft = services.snapshot_prepare(
        site=org.arles,
        start=PERIOD[0],
        end=PERIOD[1],
        families=["satisfaction", "complaints"],
        campaign=c2015,
        by=arles_referent,
    )
    services.snapshot_publish(snapshot=draft, by=arles_referent)


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/public/", 1),
        ("/public/departements/13/", 3),
        ("/public/arles/", 7),
        ("/public/arles/donnees.csv", 2),
        ("/public/arles/donnees.json", 2),
        ("/public/donnees/", 1),
        ("/public/arles/affiche.pdf", 6),
    ],
)
def test_public_pages_run_a_constant_number_of_queries(
    client, org, arles_published, arles_referent, django_assert_max_num_queries, url, queries
):
    with django_assert_max_num_queries(queries):
        assert client.get(url).status_code == 200
    _publish_more(org, arles_published, arles_referent)
    with django_assert_max_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    if url == "/public/arles/":
        assert "Arles – associations" in response.content.decode()


def test_the_site_page_is_kept_until_a_write_on_its_departement(
    client, org, arles_published, arles_referent, django_assert_num_queries
):
    """The public page of a site is the same for every visitor: kept for its URL until a write on its
    département (a publication, its data), one query (the site, with the data's stamp) while kept."""
    from qualipref import versions
    from sites.models import Site

    first = client.get("/public/arles/").content.decode()
    with django_assert_num_queries(1):
        kept = client.get("/public/arles/")
    assert kept.content.decode() == first
    assert not kept.cookies  # no cookie for the public (no form: no CSRF token asked)
    with versions.writes_for([org.vaucluse.pk]):  # a write in the Vaucluse: the 13's pages stay
        Site.objects.filter(pk=org.avignon.pk).update(name="Avignon")
    with django_assert_num_queries(1):
        client.get("/public/arles/")
    client.force_login(arles_referent)  # a signed-in visitor is served the same page
    assert client.get("/public/arles/").content.decode() == first
    client.logout()
    _publish_more(org, arles_published, arles_referent)  # a publication in the 13: computed again
    assert "Arles – associations" in client.get("/public/arles/").content.decode()
    assert "Arles – associations" not in first
