"""The project's URLs plus the API, as the lead will mount it (`path("api/", include(...))`)."""

from django.urls import include, path

from qualipref.urls import urlpatterns as project_urlpatterns

urlpatterns = [*project_urlpatterns, path("api/", include("indicators.api_urls"))]
