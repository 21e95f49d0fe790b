from django.urls import path

from . import editing, views

app_name = "referential"
urlpatterns = [
    path("", views.referential_index, name="index"),
    path("<int:pk>/", views.referential_detail, name="detail"),
    path("correspondances/", views.crosswalk, name="crosswalk"),
    path("changer/", views.referential_switch, name="switch"),
    # A département's quality manager edits the referential: a new version of the département.
    path("<int:pk>/modifier/", editing.referential_edit, name="edit"),
]
