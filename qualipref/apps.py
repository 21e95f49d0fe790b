import importlib
import importlib.util

from django.apps import AppConfig, apps


class QualiprefConfig(AppConfig):
    name = "qualipref"
    verbose_name = "Qualipref"

    def ready(self):
        from . import security  # noqa: F401 - connects the security event loggers
        from .celery import app as celery_app

        # Each app may declare periodic tasks in `<app>/schedule.py` as SCHEDULE = {name: entry}.
        schedule = dict(celery_app.conf.beat_schedule or {})
        for config in apps.get_app_configs():
            module = f"{config.name}.schedule"
            if importlib.util.find_spec(module) is not None:
                schedule.update(importlib.import_module(module).SCHEDULE)
        celery_app.conf.beat_schedule = schedule
