from django.apps import AppConfig


class ActionplansConfig(AppConfig):
    name = "actionplans"
    verbose_name = "Plans d'actions"

    def ready(self):
        from qualipref.notifications.registry import register

        from .reminders import due_notices

        register("actionplans", due_notices)
