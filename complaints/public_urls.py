from django.urls import path

from . import public_views

app_name = "complaints_public"
urlpatterns = [
    path("<slug:site_code>/reclamation/", public_views.public_correspondence, name="request_form"),
    path(
        "<slug:site_code>/reclamation/merci/",
        public_views.public_correspondence_thanks,
        name="correspondence_thanks",
    ),
]
