"""Filters take the values people read and refuse the others politely (issue 21, item 5 and « Bad input »).

- Every list page given an unknown or malformed value (an entity or a site of another département, by
  number or by code; a month « 2026-13 »; a page « abc »; a year « 99999 » or « -5 ») answers 200 with
  the filter ignored, a French notice saying so when the page reads that filter, and nothing of the other
  département. The list pages are found as tests/test_hostile_inputs.py finds them (every URL without
  arguments whose name reads a list), and the filters a page reads from its own GET forms.
- Every register that filters by site or entity takes the code (`?site=istres`, any case) as well as the
  number, and shows the same rows for both.
"""

import pytest
from django.urls import reverse

from complaints.forms import join_contact, split_contact
from qualipref.filters import by_code_or_pk
from sites.models import Entity, Site, User
from tests.test_hostile_inputs import get_filter_names, list_pages

pytestmark = [pytest.mark.django_db, pytest.mark.demo]

NOTICE = "ignoré"
FOREIGN_NAMES = ("Avignon", "Vaucluse")  # the demo's other département (84), which « qualite » never sees

# Pages of other helpers that read a filter without saying when they ignore it (issue 21 shares the work):
# they must still answer 200 without another département's data, which the sweep checks.
SILENT = {("dashboard:index", "month"), ("dashboard:index", "entity")}


@pytest.fixture
def qualite(client):
    client.force_login(User.objects.get(username="qualite"))
    return client


def bad_values():
    """(filter name, value, whether it names another département's row)."""
    site = Site.objects.get(code="avignon")
    entity = site.entity
    return [
        ("entity", str(entity.pk), True),
        ("entity", entity.code, True),
        ("entity", "entite-inconnue", False),
        ("site", str(site.pk), True),
        ("site", site.code, True),
        ("site", "site-inconnu", False),
        ("month", "2026-13", False),
        ("mois", "2026-13", False),
        ("page", "abc", False),
        ("year", "99999", False),
        ("year", "-5", False),
        ("annee", "99999", False),
        ("annee", "-5", False),
        ("type", "type-inconnu", False),
    ]


def _get(client, url, params=None):
    response = client.get(url, params or {})
    if response.status_code == 302:  # e.g. the referential index shows the referential in force
        url = response["Location"]
        response = client.get(url, params or {})
    return url, response


@pytest.mark.parametrize(("name", "kwargs"), list_pages(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_list_page_ignores_an_unknown_or_malformed_filter_with_a_french_notice(qualite, name, kwargs):
    url, first = _get(qualite, reverse(name, kwargs=kwargs))
    assert first.status_code == 200, f"GET {url}: {first.status_code}"
    html = "html" in first.get("Content-Type", "")
    reads = get_filter_names(first.content.decode()) if html else set()
    context = first.context or {}
    if html and getattr(context.get("page_obj"), "paginator", None) is not None:
        reads.add("page")
    problems = []
    for param, value, foreign in bad_values():
        response = qualite.get(url, {param: value})
        if response.status_code != 200:
            problems.append(f"?{param}={value}: HTTP {response.status_code}")
            continue
        if not html:
            continue
        page = response.content.decode()
        if foreign and any(word in page for word in FOREIGN_NAMES):
            problems.append(f"?{param}={value}: the page shows another département's data")
        if param in reads and (name, param) not in SILENT and NOTICE not in page:
            problems.append(f"?{param}={value}: ignored without a French notice")
    assert not problems, f"GET {url}:\n" + "\n".join(problems)


REGISTERS = [
    "complaints:correspondence_list",
    "actionplans:action_list",
    "audits:audit_list",
    "audits:finding_list",
    "steering:training_list",
    "steering:document_list",
]


@pytest.mark.parametrize("name", REGISTERS)
def test_the_registers_say_which_impossible_value_they_ignored(qualite, name):
    """The values of the issue, on the six registers: the page, the whole list, one notice per value."""
    everything = qualite.get(reverse(name)).context["page_obj"].paginator.count
    params = {"page": "abc", "year": "99999", "site": "avignon", "entity": "prefecture-84", "module": "abc"}
    response = qualite.get(reverse(name), params)
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == everything
    notices = [str(m) for m in response.context["messages"]]
    assert "Filtre « Page » ignoré : pas de telle page, la page 1 est affichée (« abc »)." in notices
    assert all(n.startswith("Filtre « ") and NOTICE in n for n in notices), notices


@pytest.mark.parametrize("name", ["audits:audit_list", "audits:finding_list", "actionplans:action_list"])
@pytest.mark.parametrize("year", ["99999", "-5"])
def test_an_impossible_year_is_ignored_not_a_500(qualite, name, year):
    response = qualite.get(reverse(name), {"year": year})
    assert response.status_code == 200
    assert any("« Année" in str(m) and year in str(m) for m in response.context["messages"])


def test_a_month_that_does_not_exist_shows_the_current_month_and_says_so(qualite):
    response = qualite.get(reverse("steering:calendar"), {"mois": "2026-13"})
    assert response.status_code == 200
    notices = [str(m) for m in response.context["messages"]]
    assert notices == ["Filtre « Mois » ignoré : saisissez un mois comme 2015-06 (« 2026-13 »)."]


def _rows(response):
    page = response.context["page_obj"]
    return page.paginator.count, [row.pk for row in page.object_list]


def _pk(model, code):
    return str(model.objects.get(code=code).pk)


# (register, filter, code): the code and the number show the same rows, fewer than the whole list.
CODES = [
    ("complaints:correspondence_list", "site", Site, "istres"),
    ("actionplans:action_list", "site", Site, "istres"),
    ("actionplans:action_list", "entity", Entity, "sp-arles"),
    ("audits:audit_list", "entity", Entity, "sp-istres"),
    ("audits:finding_list", "entity", Entity, "sp-istres"),
    ("steering:training_list", "site", Site, "istres"),
    ("indicators:measurement_list", "site", Site, "istres"),
]


@pytest.mark.parametrize(
    ("name", "param", "model", "code"), CODES, ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_site_and_entity_filter_takes_the_code_people_read(qualite, name, param, model, code):
    url = reverse(name)
    everything = _rows(qualite.get(url))
    by_number = _rows(qualite.get(url, {param: _pk(model, code)}))
    for spelling in (code, code.upper()):
        response = qualite.get(url, {param: spelling})
        assert response.status_code == 200
        assert _rows(response) == by_number, f"?{param}={spelling}"
        assert not list(response.context["messages"]), f"?{param}={spelling} was ignored"
        # The filter's own control shows the choice made by code.
        assert f'value="{_pk(model, code)}" selected' in response.content.decode()
    assert 0 < by_number[0] < everything[0], "the demo data should make this filter select some rows"


def test_a_code_is_looked_up_only_among_the_rows_given():
    visible = Site.objects.filter(entity__department__code="13")
    assert by_code_or_pk(visible, "Istres").code == "istres"
    assert by_code_or_pk(visible, str(Site.objects.get(code="istres").pk)).code == "istres"
    assert by_code_or_pk(visible, "avignon") is None
    assert by_code_or_pk(visible, str(Site.objects.get(code="avignon").pk)) is None
    assert by_code_or_pk(visible, "") is None and by_code_or_pk(visible, "9" * 40) is None


def test_the_requesters_contact_is_split_for_the_form_and_joined_back():
    assert join_contact("jeanne@exemple.fr", "04 42 00 00 00", "") == "jeanne@exemple.fr · 04 42 00 00 00"
    assert split_contact("jeanne@exemple.fr · 04 42 00 00 00 · 3 rue des Arènes, Arles") == (
        "jeanne@exemple.fr",
        "04 42 00 00 00",
        "3 rue des Arènes, Arles",
    )
    assert split_contact("3 rue des Arènes, Arles") == ("", "", "3 rue des Arènes, Arles")
    assert split_contact("") == ("", "", "")
