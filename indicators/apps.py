from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "Indicateurs"

    def ready(self):
        from qualipref.imports import register

        from .imports import IMPORTER

        register(IMPORTER)
