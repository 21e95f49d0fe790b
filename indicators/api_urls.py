"""Mounted by the project under /api/ (lead: `path("api/", include("indicators.api_urls"))`)."""

from django.urls import path

from . import api

app_name = "indicators_api"
urlpatterns = [
    path("indicators/measurements/", api.measurements, name="measurements"),
    path("schema/", api.schema, name="schema"),
]
