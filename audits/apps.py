from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = "Audits"

    def ready(self):
        from qualipref.imports import register as register_import
        from qualipref.notifications.registry import register

        from . import reminders
        from .imports import IMPORTER

        register("audits", reminders.due_notices)
        register_import(IMPORTER)
