from django.apps import AppConfig


class SteeringConfig(AppConfig):
    name = "steering"
    verbose_name = "Pilotage"

    def ready(self):
        from qualipref.imports import register as register_import
        from qualipref.notifications.registry import register

        from .imports import PRESS, TRAININGS
        from .reminders import due_notices

        register("steering", due_notices)
        register_import(TRAININGS)
        register_import(PRESS)
