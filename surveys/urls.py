from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("export.xlsx", views.campaign_list_export, name="campaign_list_export"),
    path("nouvelle/", views.campaign_create, name="campaign_create"),
    path("<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("<int:pk>/modifier/", views.campaign_update, name="campaign_update"),
    path("<int:pk>/statut/", views.campaign_transition, name="campaign_transition"),
    path("<int:pk>/comparaison/", views.campaign_comparison, name="campaign_comparison"),
    path("<int:pk>/graphiques/", views.campaign_charts, name="campaign_charts"),
    path("<int:pk>/criteres/", views.campaign_criteria, name="campaign_criteria"),
    path("<int:pk>/saisie/", views.campaign_results, name="campaign_results"),
    path("<int:pk>/import/", views.campaign_import, name="campaign_import"),
    path("<int:pk>/import/modele.xlsx", views.campaign_import_template, name="campaign_import_template"),
    path("<int:pk>/export.xlsx", views.campaign_export, name="campaign_export"),
    path("<int:pk>/unites/nouvelle/", views.unit_create, name="unit_create"),
    path("unites/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("unites/<int:pk>/modifier/", views.unit_update, name="unit_update"),
    path("unites/<int:pk>/qr.svg", views.unit_qr_svg, name="unit_qr"),
    path("unites/<int:pk>/affiche.pdf", views.unit_poster_pdf, name="unit_poster"),
]
