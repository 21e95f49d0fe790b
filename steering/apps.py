from django.apps import AppConfig


class SteeringConfig(AppConfig):
    name = "steering"
    verbose_name = "Pilotage"

    def ready(self):
        from qualipref.notifications.registry import register

        from .reminders import due_notices

        register("steering", due_notices)
