from django.urls import path

from . import views

app_name = "referential"
urlpatterns = [
    path("", views.referential_index, name="index"),
    path("<int:pk>/", views.referential_detail, name="detail"),
    path("correspondances/", views.crosswalk, name="crosswalk"),
    path("changer/", views.referential_switch, name="switch"),
]
