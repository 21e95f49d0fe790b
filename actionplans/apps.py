from django.apps import AppConfig


class ActionplansConfig(AppConfig):
    name = "actionplans"
    verbose_name = "Plans d'actions"

    def ready(self):
        from qualipref.imports import register as register_import
        from qualipref.notifications.registry import register

        from .imports import IMPORTER
        from .reminders import due_notices

        register("actionplans", due_notices)
        register_import(IMPORTER)
