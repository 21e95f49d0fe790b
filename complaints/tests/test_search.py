"""The register's text search (`complaints.search`): every word, in any order and any field, or a
reference; on PostgreSQL, French full-text search read from its index."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse

from complaints.models import Correspondence
from complaints.search import matching

from .factories import make_correspondence

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="French full-text search is PostgreSQL's (SQLite: substrings)"
)


@pytest.fixture
def requests(org):
    return {
        "guichet": make_correspondence(
            org.arles,
            subject="Accueil téléphonique saturé",
            description="Personne ne répond au standard le matin.",
            requester_name="Marie Dupont",
        ),
        "titre": make_correspondence(
            org.istres,
            subject="Renouvellement de titre de séjour",
            description="Rendez-vous introuvable en ligne.",
            requester_name="Karim Benali",
        ),
    }


def found(text) -> set[str]:
    return set(matching(Correspondence.objects.all(), text).values_list("subject", flat=True))


def test_every_word_in_any_order_and_any_field(requests):
    assert found("dupont accueil") == {"Accueil téléphonique saturé"}  # a name and a word of the subject
    assert found("standard Dupont") == {"Accueil téléphonique saturé"}  # the description and the name
    assert found("séjour Benali") == {"Renouvellement de titre de séjour"}
    assert found("accueil Benali") == set()  # both words, not either
    assert found("  ") == {"Accueil téléphonique saturé", "Renouvellement de titre de séjour"}


def test_a_reference_or_part_of_one(requests):
    reference = requests["titre"].reference
    assert found(reference) == {"Renouvellement de titre de séjour"}
    assert found(reference[-4:]) >= {"Renouvellement de titre de séjour"}


@pytest.mark.parametrize("text", ["'\":*&|!()<->", "é" * 5000, "-", '"', "de la", "a b c d e f g h i j k l"])
def test_any_text_is_a_search_never_an_error(client, org, quality_manager, requests, text):
    client.force_login(quality_manager)
    response = client.get(reverse("complaints:correspondence_list"), {"q": text})
    assert response.status_code == 200


@postgresql_only
def test_french_words_phrases_and_exclusions(requests):
    assert found("réclamations") == set()
    assert found("téléphone") == {"Accueil téléphonique saturé"}  # the same stem
    assert found("rendez-vous") == {"Renouvellement de titre de séjour"}
    assert found('"titre de séjour"') == {"Renouvellement de titre de séjour"}  # a phrase
    assert found('"séjour de titre"') == set()
    assert found("accueil -standard") == set()  # a word left out
    assert found("accueil -séjour") == {"Accueil téléphonique saturé"}


@postgresql_only
def test_the_word_search_reads_its_index(org):
    """The index of migration 0008 (the suite builds its database from the models: the migration's own
    function creates it here) has the expression of `FrenchWords`: the planner uses it for `Matches`."""
    from importlib import import_module

    from django.apps import apps

    from complaints.search import Matches

    with connection.schema_editor() as editor:
        import_module("complaints.migrations.0008_search_words").create_index(apps, editor)
    for i in range(30):
        make_correspondence(org.arles, received_on=dt.date(2015, 3, 1), subject=f"Demande {i}")
    sql, params = Correspondence.objects.filter(Matches("Demande 7")).values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on request_search_words" in plan, plan
    assert found("Demande 7") == {"Demande 7"}
