from django.apps import AppConfig


class QualiprefConfig(AppConfig):
    name = "qualipref"
    verbose_name = "Qualipref"
