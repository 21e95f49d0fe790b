from django.apps import AppConfig


class QualiprefConfig(AppConfig):
    name = "qualipref"
    verbose_name = "Qualipref"

    def ready(self):
        from . import security  # noqa: F401 - connects the security event loggers
