from django.urls import path

from . import views

app_name = "reports"
# /reports/dashboard/ and /reports/dossiers-copil/ are in reports/dashboard/urls.py (same prefix).
urlpatterns = [
    path("", views.index, name="index"),
    path("generations/<int:pk>/", views.run_detail, name="run_detail"),
    path("generations/<int:pk>/telecharger/", views.run_download, name="run_download"),
    path("generations/<int:pk>/relancer/", views.run_retry, name="run_retry"),
]
