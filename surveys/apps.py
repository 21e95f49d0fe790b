from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "Enquêtes de satisfaction"

    def ready(self):
        from qualipref.notifications.registry import register

        from .reminders import due_notices

        register("surveys", due_notices)
