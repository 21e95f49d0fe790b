from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "qualipref.notifications"
    label = "notifications"
    verbose_name = "Relances et notifications"
