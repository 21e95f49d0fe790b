from django.urls import path

from . import public_views

app_name = "surveys_public"
urlpatterns = [
    path("<slug:site_code>/avis/", public_views.questionnaire_start, name="start"),
    path("<slug:site_code>/avis/merci/", public_views.thanks, name="thanks"),
    path("<slug:site_code>/avis/<slug:unit_code>/", public_views.questionnaire, name="questionnaire"),
]
