"""The main menu: its URLs reversed once per process, a new menu when the URL configuration changes."""

from django.http import HttpResponse
from django.test import override_settings
from django.urls import include, path, reverse

from qualipref import navigation

# A URL configuration of its own (used below through override_settings): only the organisation's page.
urlpatterns = [
    path(
        "ailleurs/",
        include(([path("organisation/", lambda request: HttpResponse("ok"), name="organisation")], "sites")),
    )
]


def expected_menu():
    """The menu as reversing every entry now gives it."""
    sections = []
    for title, entries in navigation.MENU:
        items = []
        for label, name in entries:
            try:
                items.append((label, reverse(name)))
            except Exception:  # noqa: BLE001 - an entry whose URL does not exist is left out
                continue
        sections.append({"title": title, "items": items})
    return sections


def test_the_menu_is_reversed_once_and_is_what_reversing_each_entry_gives(monkeypatch):
    assert navigation.menu() == expected_menu()
    assert sum(len(s["items"]) for s in navigation.menu()) >= 15
    calls = []
    monkeypatch.setattr(navigation, "reverse", lambda *a, **k: calls.append(a) or "/")
    again = navigation.menu()
    assert calls == [] and again == expected_menu()
    again[0]["items"].clear()  # a caller's copy: the next page's menu is whole
    assert navigation.menu() == expected_menu()


def test_a_changed_url_configuration_gives_its_own_menu():
    whole = navigation.menu()
    with override_settings(ROOT_URLCONF="qualipref.tests.test_navigation"):
        narrowed = navigation.menu()
        assert narrowed == expected_menu()
    only = [item for s in narrowed for item in s["items"]]
    assert only == [("Organisation et sites", "/ailleurs/organisation/")]
    assert navigation.menu() == whole
