from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = "Audits"

    def ready(self):
        from qualipref.notifications.registry import register

        from . import reminders

        register("audits", reminders.due_notices)
