from django.core.management.base import BaseCommand, CommandError

from referential.crosswalk import load_crosswalk
from referential.loader import DEFAULT_FILE, SPPLUS_FILE, ReferentialFileError, load_referential

# What an installation starts with: the label of today (Services Publics+, the default of a new
# département), the 2015 one its history may use, and the crosswalk between them.
SHIPPED = (SPPLUS_FILE, DEFAULT_FILE)


class Command(BaseCommand):
    help = (
        "Charge (ou met à jour) un référentiel depuis son fichier YAML versionné ; sans fichier, les "
        "référentiels livrés (Services Publics+, Qualipref 2.0) et leur table de correspondance."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="Fichier YAML du référentiel (sinon : ceux livrés).")

    def handle(self, *args, path=None, **options):
        try:
            for file in [path] if path else SHIPPED:
                result = load_referential(file)
                counts = ", ".join(f"{n} {k}" for k, n in result.counts.items())
                verb = "créé" if result.created else "mis à jour"
                self.stdout.write(self.style.SUCCESS(f"{result.referential} {verb} : {counts}."))
            if not path:
                links = load_crosswalk()
                self.stdout.write(self.style.SUCCESS(f"Table de correspondance : {links} liens."))
        except ReferentialFileError as exc:
            raise CommandError(str(exc)) from None
