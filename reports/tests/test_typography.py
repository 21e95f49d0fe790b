"""French typography of printed reports: pure functions, no database."""

import datetime as dt

import pytest

from reports.annual.typography import NBSP, date_fr, french_spacing, number_fr, percent_fr
from reports.templatetags.reports_print import fr, lcfirst, sentence_list


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Taux : 87 %", f"Taux{NBSP}: 87{NBSP}%"),
        ("Note: voir", f"Note{NBSP}: voir"),
        ("Pourquoi? Parce que!", f"Pourquoi{NBSP}? Parce que{NBSP}!"),
        ("51,5%", f"51,5{NBSP}%"),
        ("« Qualipref en 13 »", f"«{NBSP}Qualipref en 13{NBSP}»"),
        ("Mi-2017 : audit", f"Mi-2017{NBSP}: audit"),
    ],
)
def test_high_punctuation_gets_a_non_breaking_space(text, expected):
    assert french_spacing(text) == expected


def test_urls_and_times_are_left_alone():
    assert french_spacing("https://x.fr/page?id=1 à 12:30") == "https://x.fr/page?id=1 à 12:30"


def test_dates_are_written_out_in_french():
    assert date_fr(dt.date(2015, 4, 30)) == f"30{NBSP}avril 2015"
    assert date_fr(dt.date(2015, 10, 1)) == f"1er{NBSP}octobre 2015"
    assert date_fr(None) == "—"


def test_numbers_use_a_decimal_comma_and_a_non_breaking_space():
    assert number_fr(1234.5) == f"1{NBSP}234,5"
    assert percent_fr(51.5) == f"51,5{NBSP}%"
    assert percent_fr(100.0) == f"100{NBSP}%"
    assert percent_fr(None) == "—"


def test_the_template_filter_escapes_after_spacing():
    assert fr("L'accueil <b> : bien") == f"L&#x27;accueil &lt;b&gt;{NBSP}: bien"
    assert fr(["Arles", "Istres"]) == "Arles, Istres"


def test_lists_read_as_one_sentence_and_acronyms_keep_their_capitals():
    assert sentence_list(["Courtoisie", "Facilité d'accès."]) == "Courtoisie, facilité d'accès"
    assert (
        lcfirst("Accueil des personnes à mobilité réduite (PMR)")
        == "accueil des personnes à mobilité réduite (PMR)"
    )
    assert lcfirst("SVI à mettre à jour") == "SVI à mettre à jour"
