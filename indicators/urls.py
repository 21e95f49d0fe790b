from django.urls import path

from qualipref.moved import moved

from . import views

app_name = "indicators"
urlpatterns = [
    path("", views.indicator_list, name="indicator_list"),
    path("nouveau/", views.indicator_edit, name="indicator_create"),
    path("<int:pk>/", views.indicator_detail, name="indicator_detail"),
    path("<int:pk>/modifier/", views.indicator_edit, name="indicator_edit"),
    path("<int:pk>/cibles/", views.target_create, name="target_create"),
    path("cibles/<int:pk>/supprimer/", views.target_delete, name="target_delete"),
    path("mesures/", views.measurement_list, name="measurement_list"),
    path("mesures/export.xlsx", views.measurement_export, name="measurement_export"),
    moved("mesures/export/", "measurement_export_moved", "indicators:measurement_export"),
    path("mesures/saisir/", views.measurement_create, name="measurement_create"),
    path("mesures/import/", views.measurement_import, name="measurement_import"),
    path("mesures/import/modele.xlsx", views.import_template, name="import_template"),
    path("api/", views.api_client_list, name="api_client_list"),
    path("api/nouveau/", views.api_client_create, name="api_client_create"),
    path("api/<int:pk>/revoquer/", views.api_client_revoke, name="api_client_revoke"),
]
