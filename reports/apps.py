from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Rapports"

    def ready(self):
        from . import registry
        from .annual import build
        from .dashboard import pack

        registry.register(build.KIND, build.LABEL, build.build)
        registry.register(pack.KIND, pack.LABEL, pack.build)
