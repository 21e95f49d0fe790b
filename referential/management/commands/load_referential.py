from django.core.management.base import BaseCommand, CommandError

from referential.loader import DEFAULT_FILE, ReferentialFileError, load_referential


class Command(BaseCommand):
    help = "Charge (ou met à jour) un référentiel depuis son fichier YAML versionné."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_FILE), help="Fichier YAML du référentiel.")

    def handle(self, *args, path, **options):
        try:
            result = load_referential(path)
        except ReferentialFileError as exc:
            raise CommandError(str(exc)) from None
        counts = ", ".join(f"{n} {k}" for k, n in result.counts.items())
        verb = "créé" if result.created else "mis à jour"
        self.stdout.write(self.style.SUCCESS(f"{result.referential} {verb} : {counts}."))
