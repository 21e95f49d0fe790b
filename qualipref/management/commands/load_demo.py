from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

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
        "Services Publics+, datée par rapport au jour du chargement. Relancée le même jour, elle ne crée "
        "aucun doublon ; un autre jour, elle garde la démo déjà là (et vos saisies) : --reset la reconstruit "
        "à la date du jour sur une base vidée."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Charge la démo même quand DJANGO_DEBUG=false (serveur de production).",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Vide la base (toutes les données, pas seulement la démo) puis reconstruit la démo à "
            "la date du jour.",
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION and not options["force"]:
            raise CommandError(
                "Refusé : DJANGO_DEBUG=false, ce serveur semble être en production. Les données de "
                "démonstration y créeraient des comptes au mot de passe connu. Relancez avec --force "
                "si c'est bien voulu."
            )
        today = timezone.localdate()
        built_on = sites.demo.built_on()
        if options["reset"]:
            call_command("flush", interactive=False, verbosity=0)
        elif built_on is not None and built_on != today:
            # Its recent life is dated from that day: loading it again today would add a second one beside
            # it (audits, campaigns, plans of another calendar). The demo is kept as it is.
            self.stdout.write(
                f"La démo a été chargée le {built_on:%d/%m/%Y} : elle est gardée telle quelle, vos saisies "
                "aussi. Pour la reconstruire à la date du jour sur une base vidée : make demo-reset "
                "(manage.py load_demo --reset)."
            )
            self._logins()
            return
        with transaction.atomic():
            for module in DEMO_STEPS:
                summary = module.load(self.stdout) or {}
                details = ", ".join(f"{k} : {v}" for k, v in summary.items())
                self.stdout.write(f"  {module.__name__.split('.')[0]:<12} {details}")
        self.stdout.write(self.style.SUCCESS("Données de démonstration chargées."))
        self._logins()

    def _logins(self):
        DEMO_PASSWORD, logins = sites.demo.DEMO_PASSWORD, sites.demo.logins
        self.stdout.write(f"Comptes de démonstration (mot de passe : {DEMO_PASSWORD}) :")
        for username, role, scope in logins():
            self.stdout.write(f"  {username:<26} {role} · {scope}")
