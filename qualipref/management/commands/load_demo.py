from django.core.management.base import BaseCommand
from django.db import transaction

import actionplans.demo
import audits.demo
import complaints.demo
import indicators.demo
import publication.demo
import referential.demo
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
]


class Command(BaseCommand):
    help = "Charge les données de démonstration (Bouches-du-Rhône 2015). Peut être relancée sans doublon."

    def handle(self, *args, **options):
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
