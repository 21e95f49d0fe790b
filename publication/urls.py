from django.urls import path

from . import views

app_name = "publication_admin"
urlpatterns = [
    path("", views.snapshot_list, name="snapshot_list"),
    path("preparer/<slug:site_code>/", views.snapshot_prepare, name="snapshot_prepare"),
    path("<int:pk>/", views.snapshot_detail, name="snapshot_detail"),
    path("<int:pk>/publier/", views.snapshot_publish, name="snapshot_publish"),
    path("<int:pk>/retirer/", views.snapshot_withdraw, name="snapshot_withdraw"),
    path("<int:pk>/supprimer/", views.snapshot_delete, name="snapshot_delete"),
]
