from django.urls import path

from . import views

app_name = "audits"
urlpatterns = [
    path("", views.audit_list, name="audit_list"),
    path("export.xlsx", views.audit_list, {"export": True}, name="audit_export"),
    path("nouveau/", views.audit_create, name="audit_create"),
    path("auto-evaluations/planifier/", views.self_assessments_schedule, name="self_assessments_schedule"),
    path("<int:pk>/", views.audit_detail, name="audit_detail"),
    path("<int:pk>/modifier/", views.audit_edit, name="audit_edit"),
    path("<int:pk>/statut/", views.audit_status, name="audit_status"),
    path("<int:pk>/rapport/", views.audit_report_edit, name="audit_report_edit"),
    path("<int:pk>/rapport.pdf", views.audit_pdf, name="audit_pdf"),
    path("<int:pk>/plan/", views.plan_line_add, name="plan_line_add"),
    path("<int:pk>/plan/<int:line_pk>/supprimer/", views.plan_line_delete, name="plan_line_delete"),
    path("<int:pk>/pieces-jointes/", views.audit_attachment_add, name="audit_attachment_add"),
    path("<int:pk>/grille/", views.checklist, name="checklist"),
    path("<int:pk>/constats/nouveau/", views.finding_create, name="finding_create"),
    path("<int:pk>/constats/import/", views.findings_import, name="findings_import"),
    path("constats/", views.finding_list, name="finding_list"),
    path("constats/export.xlsx", views.finding_list, {"export": True}, name="finding_export"),
    path("constats/import/modele.xlsx", views.findings_import_template, name="findings_import_template"),
    path("constats/general/nouveau/", views.general_finding_create, name="general_finding_create"),
    path("constats/<int:pk>/", views.finding_detail, name="finding_detail"),
    path("constats/<int:pk>/modifier/", views.finding_edit, name="finding_edit"),
    path("constats/<int:pk>/statut/", views.finding_status, name="finding_status"),
    path("constats/<int:pk>/pieces-jointes/", views.finding_attachment_add, name="finding_attachment_add"),
    path("constats/<int:pk>/fiche-ecart/", views.gap_sheet_edit, name="gap_sheet_edit"),
    path("constats/<int:pk>/fiche-ecart/imprimer/", views.gap_sheet_print, name="gap_sheet_print"),
    path("constats/<int:pk>/fiche-ecart.pdf", views.gap_sheet_pdf, name="gap_sheet_pdf"),
    path("readiness/", views.readiness, name="readiness"),
    path("readiness/<int:entity_pk>/", views.readiness_entity, name="readiness_entity"),
    path("entites/<int:entity_pk>/cycles/", views.cycle_comparison, name="cycle_comparison"),
]
