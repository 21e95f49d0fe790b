from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "Indicateurs"

    def ready(self):
        from reports import registry

        from . import pack

        registry.register(pack.KIND, pack.LABEL, pack.build)
