from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = "Réclamations et demandes"

    def ready(self):
        from qualipref.notifications.registry import register

        from .reminders import due_notices

        register("complaints", due_notices)
