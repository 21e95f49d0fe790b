from django.urls import path

from . import public_views

app_name = "publication"
urlpatterns = [
    path("", public_views.index, name="index"),
    path("donnees/", public_views.open_data_doc, name="open_data"),
    path("departements/<slug:code>/", public_views.department, name="department"),
    path("<slug:site_code>/", public_views.site, name="site"),
    path("<slug:site_code>/affiche.pdf", public_views.site_poster, name="poster"),
    path("<slug:site_code>/donnees.csv", public_views.site_csv, name="data_csv"),
    path("<slug:site_code>/donnees.json", public_views.site_json, name="data_json"),
]
