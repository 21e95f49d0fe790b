from django.urls import path

from . import setup

app_name = "setup"
urlpatterns = [
    path("", setup.settings_page, name="settings"),
    path("exemple/", setup.deadline_example, name="example"),
]
