from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

import actionplans.demo
import audits.demo
import complaints.demo
import indicators.demo
import publication.demo
import referential.demo
import reports.demo
import sites.demo
import steering.demo
import surveys.demo

# Each app that has demo data exposes `<app>.demo.load(stdout)`; order matters (organisation first).
DEMO_STEPS = [
    sites.demo,
    referential.demo,
    steering.demo,
    audits.demo,
    surveys.demo,
    complaints.demo,
    actionplans.demo,
    indicators.demo,
    publication.demo,
    reports.demo,  # last year's annual report, built from everything above
]


class Command(BaseCommand):
    help = (
        "Charge les données de démonstration : l'année 2015 sous Qualipref 2.0 et la vie récente sous "
        "Services Publics+, datée par rapport au jour du chargement. Peut être relancée sans doublon."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Charge la démo même quand DJANGO_DEBUG=false (serveur de production).",
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION and not options["force"]:
            raise CommandError(
                "Refusé : DJANGO_DEBUG=false, ce serveur semble être en production. Les données de "
                "démonstration y créeraient des comptes au mot de passe connu. Relancez avec --force "
                "si c'est bien voulu."
            )
        with transaction.atomic():
            for module in DEMO_STEPS:
                summary = module.load(self.stdout) or {}
                details = ", ".join(f"{k} : {v}" for k, v in summary.items())
                self.stdout.write(f"  {module.__name__.split('.')[0]:<12} {details}")
        DEMO_PASSWORD, logins = sites.demo.DEMO_PASSWORD, sites.demo.logins

        self.stdout.write(self.style.SUCCESS("Données de démonstration chargées."))
        self.stdout.write(f"Comptes de démonstration (mot de passe : {DEMO_PASSWORD}) :")
        for username, role, scope in logins():
            self.stdout.write(f"  {username:<26} {role} · {scope}")
