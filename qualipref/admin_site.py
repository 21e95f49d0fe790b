"""Django's admin under the project's rule on methods: pages are read with GET or HEAD and changed with
POST, anything else is a 405 (the admin's own views would take a PUT or a DELETE for a GET)."""

from django.contrib import admin
from django.urls import URLResolver
from django.views.decorators.http import require_http_methods

page_methods = require_http_methods(["GET", "HEAD", "POST"])


def _declare_methods(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _declare_methods(pattern.url_patterns)
        else:
            pattern.callback = page_methods(pattern.callback)
    return patterns


class AdminSite(admin.AdminSite):
    def get_urls(self):
        return _declare_methods(super().get_urls())
