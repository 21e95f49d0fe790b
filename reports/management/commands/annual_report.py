from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.annual.build import FORMATS, annual_report_file
from sites.models import Department


class Command(BaseCommand):
    help = (
        "Produit le bilan annuel de la démarche qualité d'un département (PDF ou Excel), "
        "par le même code que la page « Bilan annuel »."
    )

    def add_arguments(self, parser):
        parser.add_argument("--department", required=True, help="Code du département, par exemple 13.")
        parser.add_argument("--year", required=True, type=int, help="Année du bilan, par exemple 2015.")
        parser.add_argument("--output", required=True, help="Fichier à écrire, par exemple bilan-2015.pdf.")
        parser.add_argument(
            "--format",
            choices=FORMATS,
            help="pdf ou xlsx (par défaut : d'après l'extension du fichier, sinon pdf).",
        )
        parser.add_argument("--pdfa", action="store_true", help="Version d'archivage PDF/A-3b.")

    def handle(self, *args, department, year, output, format=None, pdfa=False, **options):
        try:
            dept = Department.objects.get(code=department)
        except Department.DoesNotExist:
            raise CommandError(f"Département inconnu : {department}.") from None
        output_format = format or ("xlsx" if output.lower().endswith(".xlsx") else "pdf")
        if pdfa and output_format != "pdf":
            raise CommandError("La version d'archivage (--pdfa) n'existe qu'au format PDF.")
        if not 1900 <= year <= 2100:
            raise CommandError(f"Année invalide : {year}.")
        built = annual_report_file(
            department=dept, year=year, output_format=output_format, variant="pdf/a-3b" if pdfa else ""
        )
        path = Path(output)
        path.write_bytes(built.content)
        pages = f", {built.page_count} pages" if built.page_count else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Bilan {year} de {dept} écrit dans {path} ({len(built.content)} octets{pages})."
            )
        )
