import importlib.util

from django.apps import apps
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

admin.site.site_header = "Qualipref – administration"
admin.site.site_title = "Qualipref"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("organisation/", include("sites.urls")),
    path("referentiel/", include("referential.urls")),
    path("audits/", include("audits.urls")),
    path("surveys/", include("surveys.urls")),
    path("complaints/", include("complaints.urls")),
    path("actions/", include("actionplans.urls")),
    path("indicators/", include("indicators.urls")),
    path("steering/", include("steering.urls")),
    path("reports/", include("indicators.dashboard_urls")),
    path("reports/", include("reports.urls")),
    path("pieces-jointes/", include("qualipref.attachments.urls")),
    path("publication/", include("publication.urls")),
    path("admin/", admin.site.urls),
]

# The JSON API (token-authenticated by the app that serves it, not by the session).
if importlib.util.find_spec("indicators.api_urls") is not None:
    urlpatterns.append(path("api/", include("indicators.api_urls")))

# Public pages (no login): each app may publish `<app>/public_urls.py`, served under /public/.
urlpatterns += [
    path("public/", include(f"{config.name}.public_urls"))
    for config in apps.get_app_configs()
    if importlib.util.find_spec(f"{config.name}.public_urls") is not None
]
