from django.urls import path

from qualipref.moved import moved

from . import views

app_name = "complaints"
urlpatterns = [
    path("", views.request_list, name="request_list"),
    path("export.xlsx", views.request_export, name="request_export"),
    moved("export/", "request_export_moved", "complaints:request_export"),
    path("nouvelle/", views.request_create, name="request_create"),
    path("import/", views.request_import, name="request_import"),
    path("import/modele.xlsx", views.import_template, name="import_template"),
    path("modeles-de-reponse/", views.model_answer_list, name="model_answer_list"),
    path("modeles-de-reponse/nouveau/", views.model_answer_edit, name="model_answer_create"),
    path("modeles-de-reponse/<int:pk>/", views.model_answer_edit, name="model_answer_edit"),
    path("<int:pk>/", views.request_detail, name="request_detail"),
    path("<int:pk>/modifier/", views.request_edit, name="request_edit"),
    path("<int:pk>/repondre/", views.request_answer, name="request_answer"),
    path("<int:pk>/pieces-jointes/", views.request_attach, name="request_attach"),
    path("<int:pk>/statut/<slug:to>/", views.request_transition, name="request_transition"),
]
