from django.urls import path

from . import views

app_name = "actionplans"
urlpatterns = [
    path("", views.action_list, name="action_list"),
    path("tableau/", views.action_board, name="action_board"),
    path("mes-actions/", views.my_actions, name="my_actions"),
    path("boucle/", views.loop, name="loop"),
    path("export.xlsx", views.action_export, name="action_export"),
    path("nouvelle/", views.action_create, name="action_create"),
    path("<int:pk>/", views.action_detail, name="action_detail"),
    path("<int:pk>/modifier/", views.action_update, name="action_update"),
    path("<int:pk>/statut/", views.action_transition, name="action_transition"),
    path("<int:pk>/avancement/", views.action_progress, name="action_progress"),
    path("<int:pk>/commentaire/", views.action_comment, name="action_comment"),
    path("<int:pk>/preuve/", views.action_evidence, name="action_evidence"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/nouveau/", views.plan_create, name="plan_create"),
    path("plans/import/modele.xlsx", views.import_template, name="import_template"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/statut/", views.plan_transition, name="plan_transition"),
    path("plans/<int:pk>/perspectives/", views.plan_next, name="plan_next"),
    path("plans/<int:pk>/export.xlsx", views.plan_export, name="plan_export"),
    path("plans/<int:pk>/import/", views.plan_import, name="plan_import"),
]
