from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("generations/<int:pk>/", views.run_detail, name="run_detail"),
    path("generations/<int:pk>/telecharger/", views.run_download, name="run_download"),
]
