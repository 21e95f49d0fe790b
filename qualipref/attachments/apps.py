from django.apps import AppConfig


class AttachmentsConfig(AppConfig):
    name = "qualipref.attachments"
    label = "attachments"
    verbose_name = "Pièces jointes"
