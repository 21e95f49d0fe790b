"""Renamed addresses: an old URL kept as a permanent redirect (301) to the new one, its query string (the
list's filters) kept. Read only: GET and HEAD, anything else is a 405."""

from django.urls import path
from django.views.generic import RedirectView


def moved(route: str, name: str, new_name: str):
    view = RedirectView.as_view(
        pattern_name=new_name, permanent=True, query_string=True, http_method_names=["get", "head"]
    )
    return path(route, view, name=name)
