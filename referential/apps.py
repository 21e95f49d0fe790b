from django.apps import AppConfig


class ReferentialConfig(AppConfig):
    name = "referential"
    verbose_name = "Référentiel"
