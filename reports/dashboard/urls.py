from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("dashboard/", views.index, name="index"),
    path("dashboard/historique/<int:indicator_pk>/<slug:site_code>/", views.history, name="history"),
    path("dashboard/tendance/<int:indicator_pk>/<int:entity_pk>/", views.trend, name="trend"),
    path("dashboard/tendance/<int:indicator_pk>/", views.department_trend, name="department_trend"),
    path("dossiers-copil/", views.pack_list, name="pack_list"),
    path("dossiers-copil/demander/", views.pack_request, name="pack_request"),
]
