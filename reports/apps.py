from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Rapports"

    def ready(self):
        from . import registry
        from .annual import build

        registry.register(build.KIND, build.LABEL, build.build)
