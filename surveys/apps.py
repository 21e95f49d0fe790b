from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "Enquêtes de satisfaction"

    def ready(self):
        from qualipref.imports import register as register_import
        from qualipref.notifications.registry import register

        from .imports import IMPORTER
        from .reminders import due_notices

        register("surveys", due_notices)
        register_import(IMPORTER)
