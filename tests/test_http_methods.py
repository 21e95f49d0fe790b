"""HTTP as it should be (issue 18): every view declares its methods (`require_safe`, `require_POST`,
`require_http_methods`, `http_method_names`) and answers 405 to the others, before it reads anything.
No middleware does it for them: this test walks every URL pattern of the project, Django's admin
included, and sends PUT, DELETE and PATCH to each."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

REFUSED = ("put", "delete", "patch")
VALUES = {"int": 1, "slug": "x", "str": "x", "path": "x"}


def _patterns(patterns=None, namespace="", prefix=""):
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _patterns(p.url_patterns, ns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield namespace, prefix, p


def _url(namespace, prefix, pattern):
    kwargs = {
        name: VALUES.get(type(converter).__name__.replace("Converter", "").lower(), "x")
        for name, converter in pattern.pattern.converters.items()
    }
    if pattern.name:
        try:
            return reverse(f"{namespace}{pattern.name}", kwargs=kwargs)
        except Exception:  # a name shared by patterns of other shapes: build this one by hand
            pass
    route = str(pattern.pattern)
    if route.startswith("^"):  # a regex pattern (the admin's per-model catch-all): a plain path in it
        return None
    for name in pattern.pattern.converters:
        route = route.replace(f"<{name}>", "x")
    for name, value in kwargs.items():
        for kind in VALUES:
            route = route.replace(f"<{kind}:{name}>", str(value))
    return "/" + prefix + route


def _urls():
    urls = {}
    for namespace, prefix, pattern in _patterns():
        url = _url(namespace, prefix, pattern)
        if url:
            urls.setdefault(url, f"{namespace}{pattern.name or pattern.pattern}")
    return urls


def test_the_walk_finds_every_part_of_the_project():
    names = set(_urls().values())
    for expected in (
        "home",
        "complaints:correspondence_list",
        "complaints:correspondence_export",
        "admin:index",
        "login",
    ):
        assert expected in names
    assert len(names) > 300


@pytest.mark.parametrize("method", REFUSED)
def test_every_url_answers_405_to_put_delete_patch(client, method):
    from sites.models import User

    client.force_login(User.objects.create_superuser("racine", "racine@example.org", "x"))
    client.raise_request_exception = False
    wrong = []
    for url, name in _urls().items():
        response = getattr(client, method)(url, data=b"{}", content_type="application/json")
        allow = {m.strip() for m in response.get("Allow", "").split(",")}
        if response.status_code != 405 or method.upper() in allow or not allow - {""}:
            wrong.append(f"{name} {url}: {response.status_code} Allow={response.get('Allow')}")
    assert not wrong, f"{method.upper()} not refused with a 405 by {len(wrong)} URLs:\n" + "\n".join(wrong)


def test_pages_still_answer_head_and_forms_still_take_post(client):
    """The declarations keep what the pages need: HEAD on a read page, POST on a form page."""
    from sites.models import User

    client.force_login(User.objects.create_superuser("racine", "racine@example.org", "x"))
    assert client.head(reverse("home")).status_code == 200
    assert client.post(reverse("home")).status_code == 405
    assert client.options(reverse("complaints:correspondence_list")).status_code == 405
    assert client.put(reverse("login")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
