from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class QualiprefConfig(AppConfig):
    name = "qualipref"
    verbose_name = "Qualipref"

    def ready(self):
        from django.conf import settings

        from . import security, versions  # noqa: F401 - security connects the security event loggers

        versions.connect()  # every write bumps its départements' data version (cached figures)

        if any(db["ENGINE"].endswith("sqlite3") for db in settings.DATABASES.values()):
            from . import sqlite

            sqlite.install()


class QualiprefAdminConfig(admin_apps.AdminConfig):
    """Django's admin, its site declaring the HTTP methods of its views (qualipref.admin_site)."""

    default = False  # `qualipref` itself is QualiprefConfig
    default_site = "qualipref.admin_site.AdminSite"
