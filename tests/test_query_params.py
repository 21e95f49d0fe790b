"""Hostile query-string values on the list, calendar and dashboard pages: a filter that makes no sense
is ignored or gives an empty list, never a 500 (years and months out of range, unusual digits)."""

import pytest
from django.urls import reverse

HOSTILE = ["²", "٣", "0", "-1", "99999", "9" * 30, "<script>x</script>", "2015-13", "0000-00", "9999-12"]

PAGES = [
    ("actionplans:plan_list", "year"),
    ("actionplans:action_create", "plan"),
    ("indicators:measurement_list", "year"),
    ("indicators:measurement_list", "indicator"),
    ("indicators:measurement_list", "site"),
    ("steering:calendar", "mois"),
    ("steering:calendar_list", "annee"),
    ("steering:meeting_list", "annee"),
    ("steering:document_list", "module"),
    ("steering:training_list", "site"),
    ("dashboard:index", "month"),
    ("dashboard:index", "entity"),
]


def expected_status(name, param, value):
    """A filter that cannot be read is ignored (200); a readable id of a plan that does not exist names an
    object the user cannot reach: 404, as for any object outside the user's scope."""
    if (name, param) == ("actionplans:action_create", "plan") and value == "99999":
        return 404
    return 200


@pytest.mark.parametrize("name,param", PAGES)
def test_hostile_filter_values_never_break_a_page(client, quality_manager, name, param):
    client.force_login(quality_manager)
    url = reverse(name)
    for value in HOSTILE:
        response = client.get(url, {param: value})
        assert response.status_code == expected_status(name, param, value), (url, param, value)


@pytest.mark.parametrize("slug", ["communiques", "exercices", "lettres", "reseaux-sociaux", "evenements"])
def test_hostile_years_on_the_registers(client, quality_manager, slug):
    client.force_login(quality_manager)
    for value in HOSTILE:
        response = client.get(reverse("steering:register_entries", args=[slug]), {"annee": value})
        assert response.status_code == 200, (slug, value, response.status_code)


def test_the_parsers_bound_what_they_accept(rf):
    import datetime as dt

    from qualipref.lists import int_param, parse_month, year_param

    assert parse_month("2015-06") == dt.date(2015, 6, 1) and parse_month("2015-06-30") == dt.date(2015, 6, 1)
    for bad in ("juin", "2015-13", "0000-01", "9999-12", "²015-06", "", None):
        assert parse_month(bad) is None
    assert year_param(rf.get("/", {"year": "2015"})) == 2015
    assert year_param(rf.get("/", {"year": "99999"})) is None
    assert int_param(rf.get("/", {"plan": "42"}), "plan") == 42
    assert int_param(rf.get("/", {"plan": "²"}), "plan") is None
