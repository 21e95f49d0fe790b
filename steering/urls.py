from django.urls import path

from .views import calendar, committees, documents, registers, trainings

app_name = "steering"
urlpatterns = [
    # committees, meetings, decisions
    path("", committees.committee_list, name="committee_list"),
    path("comites/nouveau/", committees.committee_create, name="committee_create"),
    path("comites/<int:pk>/", committees.committee_detail, name="committee_detail"),
    path("comites/<int:pk>/modifier/", committees.committee_update, name="committee_update"),
    path("comites/<int:pk>/membres/", committees.member_add, name="member_add"),
    path("comites/<int:pk>/membres/<int:member_pk>/retirer/", committees.member_remove, name="member_remove"),
    path("comites/<int:pk>/reunions/nouvelle/", committees.meeting_create, name="meeting_create"),
    path("reunions/", committees.meeting_list, name="meeting_list"),
    path("reunions/<int:pk>/", committees.meeting_detail, name="meeting_detail"),
    path("reunions/<int:pk>/modifier/", committees.meeting_update, name="meeting_update"),
    path("reunions/<int:pk>/compte-rendu.pdf", committees.meeting_pdf, name="meeting_pdf"),
    path("reunions/<int:pk>/pieces-jointes/", committees.meeting_attach, name="meeting_attach"),
    path("reunions/<int:pk>/decisions/", committees.decision_create, name="decision_create"),
    path("decisions/<int:pk>/", committees.decision_detail, name="decision_detail"),
    path("decisions/<int:pk>/modifier/", committees.decision_update, name="decision_update"),
    # calendar of deadlines
    path("calendrier/", calendar.calendar_month, name="calendar"),
    path("calendrier/liste/", calendar.calendar_list, name="calendar_list"),
    path("calendrier/abonnement/", calendar.feed_settings, name="feed_settings"),
    path("calendrier/abonnement/renouveler/", calendar.feed_regenerate, name="feed_regenerate"),
    path("calendrier/abonnement/revoquer/", calendar.feed_revoke, name="feed_revoke"),
    path("echeances/nouvelle/", calendar.deadline_create, name="deadline_create"),
    path("echeances/<int:pk>/", calendar.deadline_detail, name="deadline_detail"),
    path("echeances/<int:pk>/modifier/", calendar.deadline_update, name="deadline_update"),
    path("echeances/<int:pk>/fait/", calendar.occurrence_done, name="occurrence_done"),
    # internal documents
    path("documents/", documents.document_list, name="document_list"),
    path("documents/nouveau/", documents.document_create, name="document_create"),
    path("documents/<int:pk>/", documents.document_detail, name="document_detail"),
    path("documents/<int:pk>/modifier/", documents.document_update, name="document_update"),
    path("documents/<int:pk>/statut/", documents.document_status, name="document_status"),
    path("documents/<int:pk>/revue/", documents.document_review, name="document_review"),
    path("documents/<int:pk>/versions/nouvelle/", documents.version_add, name="version_add"),
    path("versions/<int:pk>/en-vigueur/", documents.version_make_current, name="version_make_current"),
    path("versions/<int:pk>/telecharger/", documents.version_download, name="version_download"),
    # trainings
    path("formations/", trainings.training_list, name="training_list"),
    path("formations/export.xlsx", trainings.training_export, name="training_export"),
    path("formations/import/", trainings.training_import, name="training_import"),
    path(
        "formations/import/modele.xlsx", trainings.training_import_template, name="training_import_template"
    ),
    path("formations/agents/nouveau/", trainings.agent_create, name="agent_create"),
    path("formations/agents/<int:pk>/", trainings.agent_detail, name="agent_detail"),
    path("formations/agents/<int:pk>/modifier/", trainings.agent_update, name="agent_update"),
    path("formations/agents/<int:pk>/formations/", trainings.training_add, name="training_add"),
    path("formations/<int:pk>/supprimer/", trainings.training_delete, name="training_delete"),
    # module registers
    path("registres/", registers.register_list, name="register_list"),
    path("registres/communiques/import/", registers.press_import, name="press_import"),
    path(
        "registres/communiques/import/modele.xlsx",
        registers.press_import_template,
        name="press_import_template",
    ),
    path("registres/<slug:slug>/", registers.register_entries, name="register_entries"),
    path("registres/<slug:slug>/nouveau/", registers.register_create, name="register_create"),
    path("registres/<slug:slug>/<int:pk>/", registers.register_detail, name="register_detail"),
    path("registres/<slug:slug>/<int:pk>/modifier/", registers.register_update, name="register_update"),
    path("registres/<slug:slug>/<int:pk>/supprimer/", registers.register_delete, name="register_delete"),
]
