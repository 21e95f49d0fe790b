"""A page kept whole (`sites.versions.kept_page`): served again without computing while nothing of the
user's départements is written, to that user only, with the request's own CSRF token, never with the
previous page's notices, and computed again after any write on their départements or the next day."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import reverse

from complaints.tests.factories import register_figure, staff_form
from tests.factories import make_correspondence

pytestmark = pytest.mark.django_db

REGISTER = "complaints:correspondence_list"


@pytest.fixture
def referential(db):
    from referential.loader import DEFAULT_FILE, load_referential

    return load_referential(DEFAULT_FILE).referential


def received(response) -> int:
    return register_figure(response, "Reçues")


def tokens(response) -> list[str]:
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]*)"', response.content.decode())


def test_a_register_is_kept_until_a_write_on_the_users_departements(
    client, org, quality_manager, outsider, django_assert_num_queries
):
    make_correspondence(org.arles, received_on=dt.date(2015, 3, 2))
    url = reverse(REGISTER)
    client.force_login(quality_manager)
    first = client.get(url)
    assert received(first) == 1
    # session, user, scope (with the data's stamp): nothing else is read
    with django_assert_num_queries(3):
        kept = client.get(url)
    assert received(kept) == 1 and "Arles" in kept.content.decode()
    # a write in the Vaucluse, by its referent, changes nothing of the 13: still kept
    other = Client()
    other.force_login(outsider)
    assert other.post(reverse("complaints:correspondence_create"), staff_form(org.avignon)).status_code == 302
    with django_assert_num_queries(3):
        assert received(client.get(url)) == 1
    # a write in the 13 (here outside any request: it counts for every département) is seen at once
    make_correspondence(org.istres, received_on=dt.date(2015, 3, 3))
    assert received(client.get(url)) == 2
    # each query string is its own page
    assert received(client.get(url, {"kind": "email"})) == 0
    assert received(client.get(url)) == 2


def test_a_kept_page_is_the_users_own(client, org, quality_manager, istres_agent, arles_referent):
    make_correspondence(org.arles, received_on=dt.date(2015, 3, 2), subject="Guichet d'Arles")
    url = reverse(REGISTER)
    for user, count in ((quality_manager, 1), (istres_agent, 0), (arles_referent, 1), (istres_agent, 0)):
        client.force_login(user)
        for _ in range(2):  # computed, then kept
            page = client.get(url)
            assert received(page) == count
            assert ("Guichet d&#x27;Arles" in page.content.decode()) is bool(count)


def test_a_kept_page_carries_the_requests_csrf_token(org, referential, istres_agent):
    """The same user in two browsers (two CSRF cookies): the page computed for the first is served kept to
    the second with the second's token, which its forms then send."""
    obj = make_correspondence(org.istres, by=istres_agent, received_on=dt.date(2015, 3, 2))
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    for browser in (first, second):
        browser.force_login(istres_agent)
    assert first.get(obj.get_absolute_url()).context is not None  # computed
    page = second.get(obj.get_absolute_url())
    assert page.context is None  # kept: no template rendered
    assert tokens(page) and all(tokens(page))
    # the token put back is accepted by the forms of the page (acknowledging the request: a write)
    response = second.post(
        reverse("complaints:correspondence_transition", args=[obj.pk, "acknowledged"]),
        {"csrfmiddlewaretoken": tokens(page)[0], "on": "2015-03-03"},
    )
    assert response.status_code == 302
    obj.refresh_from_db()
    assert obj.status == "acknowledged"


def test_the_notices_of_the_page_before_are_neither_kept_nor_served_again(client, org, quality_manager):
    url = reverse(REGISTER)
    client.force_login(quality_manager)
    client.get(url)
    client.get(url)  # kept
    # a notice left for the next page (as after a form), without any write
    request = HttpRequest()
    storage = CookieStorage(request)
    storage.add(messages.SUCCESS, "Notice de la page précédente.")
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies[CookieStorage.cookie_name] = carrier.cookies[CookieStorage.cookie_name].value
    assert "Notice de la page précédente." in client.get(url).content.decode()
    assert "Notice de la page précédente." not in client.get(url).content.decode()
    # the page's own notice (a filter value ignored) is the page's, kept with it
    for _ in range(2):
        assert "pas de telle page" in client.get(url, {"page": "999"}).content.decode()


def test_a_page_outside_the_scope_is_never_kept(client, org, quality_manager, outsider):
    """A 404 is the view's answer each time; the same URL is a page for the user whose scope holds it."""
    obj = make_correspondence(org.avignon, received_on=dt.date(2015, 3, 2))
    client.force_login(quality_manager)
    for _ in range(2):
        assert client.get(obj.get_absolute_url()).status_code == 404
    client.force_login(outsider)
    assert client.get(obj.get_absolute_url()).status_code == 200
    client.force_login(quality_manager)
    assert client.get(obj.get_absolute_url()).status_code == 404


def test_a_kept_page_lasts_the_day(client, org, quality_manager, django_assert_max_num_queries):
    make_correspondence(org.arles, received_on=dt.date(2015, 3, 2))
    url = reverse(REGISTER)
    client.force_login(quality_manager)
    client.get(url)
    with django_assert_max_num_queries(3):
        client.get(url)
    with time_machine.travel(dt.datetime.now() + dt.timedelta(days=1), tick=False):
        client.force_login(quality_manager)
        with CountAtLeast(5):
            assert received(client.get(url)) == 1


def test_a_kept_page_leaves_the_cache_within_the_hour(
    client, org, quality_manager, django_assert_num_queries
):
    """A page is read again within minutes or never (any write makes it unreachable): the cache holds it an
    hour at most (`PAGE_TIMEOUT`), not the six hours of the figures behind it."""
    from sites.versions import PAGE_TIMEOUT

    url = reverse(REGISTER)
    client.force_login(quality_manager)
    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start, tick=False):
        client.get(url)
    with time_machine.travel(start + dt.timedelta(seconds=60), tick=False), django_assert_num_queries(3):
        client.get(url)
    # computed again (the figures behind it are still kept: 4 queries, not 3)
    with time_machine.travel(start + dt.timedelta(seconds=PAGE_TIMEOUT + 1), tick=False), CountAtLeast(4):
        client.get(url)


class CountAtLeast:
    """More than the kept page's three queries: the page was computed."""

    def __init__(self, n):
        self.n = n

    def __enter__(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.context = CaptureQueriesContext(connection)
        self.context.__enter__()
        return self

    def __exit__(self, *exc):
        self.context.__exit__(*exc)
        if exc[0] is None:
            assert len(self.context.captured_queries) >= self.n
