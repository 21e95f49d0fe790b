from django.urls import path

from qualipref.moved import moved

from . import views

app_name = "complaints"
urlpatterns = [
    path("", views.correspondence_list, name="correspondence_list"),
    path("export.xlsx", views.correspondence_export, name="correspondence_export"),
    moved("export/", "request_export_moved", "complaints:correspondence_export"),
    path("nouvelle/", views.correspondence_create, name="correspondence_create"),
    path("import/", views.correspondence_import, name="correspondence_import"),
    path("import/modele.xlsx", views.import_template, name="import_template"),
    path("modeles-de-reponse/", views.model_answer_list, name="model_answer_list"),
    path("modeles-de-reponse/nouveau/", views.model_answer_edit, name="model_answer_create"),
    path("modeles-de-reponse/<int:pk>/", views.model_answer_edit, name="model_answer_edit"),
    path("<int:pk>/", views.correspondence_detail, name="correspondence_detail"),
    path("<int:pk>/modifier/", views.correspondence_edit, name="correspondence_edit"),
    path("<int:pk>/repondre/", views.correspondence_answer, name="correspondence_answer"),
    path("<int:pk>/pieces-jointes/", views.correspondence_attach, name="correspondence_attach"),
    path("<int:pk>/statut/<slug:to>/", views.correspondence_transition, name="correspondence_transition"),
]
