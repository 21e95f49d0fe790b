from django.core.management.base import BaseCommand, CommandError

from referential.crosswalk import DEFAULT_CROSSWALK, load_crosswalk
from referential.loader import ReferentialFileError


class Command(BaseCommand):
    help = "Charge les correspondances entre deux référentiels depuis leur fichier YAML."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_CROSSWALK), help="Fichier YAML.")

    def handle(self, *args, path, **options):
        try:
            count = load_crosswalk(path)
        except ReferentialFileError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"{count} correspondances chargées."))
