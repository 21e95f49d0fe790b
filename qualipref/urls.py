"""The project's URLs: every app's urls, named plainly (every app is installed)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.decorators.http import require_http_methods

from reports.home import home

from . import views

admin.site.site_header = "Qualipref – administration"
admin.site.site_title = "Qualipref"
# Every view declares its HTTP methods (tests/test_http_methods.py); LogoutView takes POST only.
login = require_http_methods(["GET", "HEAD", "POST"])(
    auth_views.LoginView.as_view(redirect_authenticated_user=True)
)

urlpatterns = [
    path("", home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", login, name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("accounts.urls")),
    path("organisation/", include("sites.urls")),
    path("referentiel/", include("referential.urls")),
    path("parametres/", include("reports.setup_urls")),
    path("audits/", include("audits.urls")),
    path("surveys/", include("surveys.urls")),
    path("complaints/", include("complaints.urls")),
    path("actions/", include("actionplans.urls")),
    path("indicators/", include("indicators.urls")),
    path("steering/", include("steering.urls")),
    path("reports/", include("reports.dashboard.urls")),
    path("reports/", include("reports.urls")),
    path("pieces-jointes/", include("qualipref.attachments.urls")),
    path("imports/", include("qualipref.imports.urls")),
    path("publication/", include("publication.urls")),
    path("admin/", admin.site.urls),
    # The JSON API (token-authenticated by the app that serves it, not by the session).
    path("api/", include("indicators.api_urls")),
    # Public pages (no login), served under /public/.
    path("public/", include("surveys.public_urls")),
    path("public/", include("complaints.public_urls")),
    path("public/", include("steering.public_urls")),
    path("public/", include("publication.public_urls")),
]
