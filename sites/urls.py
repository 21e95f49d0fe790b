from django.urls import path

from . import views

app_name = "sites"
urlpatterns = [
    path("", views.organisation, name="organisation"),
    path("importer/", views.organisation_import, name="organisation_import"),
    path("importer/modele/", views.organisation_template, name="organisation_template"),
    path("entites/nouvelle/", views.entity_create, name="entity_create"),
    path("entites/<int:pk>/", views.entity_detail, name="entity_detail"),
    path("entites/<int:pk>/modifier/", views.entity_edit, name="entity_edit"),
    path("sites/nouveau/", views.site_create, name="site_create"),
    path("sites/<slug:code>/", views.site_detail, name="site_detail"),
    path("sites/<slug:code>/modifier/", views.site_edit, name="site_edit"),
    path("sites/<slug:code>/points/nouveau/", views.reception_point_create, name="reception_point_create"),
    path("points/<int:pk>/modifier/", views.reception_point_edit, name="reception_point_edit"),
]
