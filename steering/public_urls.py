from django.urls import path

from .views import calendar

app_name = "steering_public"
urlpatterns = [path("calendrier/<str:token>.ics", calendar.calendar_feed, name="calendar_feed")]
