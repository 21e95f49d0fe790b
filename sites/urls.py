from django.urls import path

from . import views

app_name = "sites"
urlpatterns = [
    path("", views.organisation, name="organisation"),
    path("entites/<int:pk>/", views.entity_detail, name="entity_detail"),
    path("sites/<slug:code>/", views.site_detail, name="site_detail"),
]
