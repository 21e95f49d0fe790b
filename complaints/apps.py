from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = "Réclamations et demandes"

    def ready(self):
        from qualipref.imports import register as register_import
        from qualipref.notifications.registry import register

        from .imports import IMPORTER
        from .reminders import due_notices

        register("complaints", due_notices)
        register_import(IMPORTER)
