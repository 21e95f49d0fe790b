"""Spreadsheet uploads: cheap checks before any parsing, then a streaming (read-only) workbook.

An .xlsx file is a zip archive; a small one can inflate to gigabytes (a "zip bomb") or declare a sheet of
a million rows by sixteen thousand columns. `check_spreadsheet` reads only the archive's directory and the
first bytes of each sheet, and refuses, in French, a file that is too heavy, inflates too much or declares
too many rows or columns, saying which limit and how to split the file. `open_workbook` checks, then opens
the workbook in openpyxl's read-only (streaming) mode. Every import goes through `open_workbook`.

Limits are settings (qualipref/settings.py, overridable by environment variables):
SPREADSHEET_MAX_BYTES, SPREADSHEET_MAX_UNCOMPRESSED_BYTES, SPREADSHEET_MAX_RATIO, SPREADSHEET_MAX_ROWS,
SPREADSHEET_MAX_COLUMNS.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from dataclasses import dataclass

from django.conf import settings
from openpyxl.utils import column_index_from_string

# Members smaller than this are not judged by their compression ratio (tiny XML parts compress a lot).
RATIO_FLOOR_BYTES = 1024 * 1024
# How much of each sheet's XML is read to find its <dimension ref="A1:K250"/> (it comes first).
DIMENSION_PROBE_BYTES = 16 * 1024
MAX_MEMBERS = 2000
SPLIT_ADVICE = "Découpez le fichier en plusieurs classeurs plus petits (par exemple par site ou par année)."

_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Za-z]*)(\d*)(?::([A-Za-z]*)(\d*))?\"")


class ImportFileError(ValueError):
    """A file that cannot be imported; its message is French and shown next to the file field."""


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} Mo" if size >= 1024 * 1024 else f"{size // 1024} Ko"


def _size_of(upload) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        position = upload.tell()
        upload.seek(0, 2)
        size = upload.tell()
        upload.seek(position)
    return size


def _refuse(message: str):
    raise ImportFileError(f"{message} {SPLIT_ADVICE}")


def _declared_dimension(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[int, int] | None:
    """(rows, columns) the sheet declares in its first bytes, or None when it declares nothing."""
    with archive.open(info) as member:
        head = member.read(DIMENSION_PROBE_BYTES)
    match = _DIMENSION.search(head)
    if not match:
        return None
    first_col, first_row, last_col, last_row = (g.decode() if g else "" for g in match.groups())
    col = last_col or first_col
    row = last_row or first_row
    try:
        columns = column_index_from_string(col.upper()) if col else 1
    except ValueError:
        columns = 10**9  # a column beyond XFD: certainly too wide
    return (int(row) if row else 1), columns


def check_spreadsheet(upload) -> None:
    """Refuse (ImportFileError, in French) an upload over the limits; read nothing beyond the checks."""
    max_bytes = settings.SPREADSHEET_MAX_BYTES
    size = _size_of(upload)
    if size > max_bytes:
        _refuse(f"Le fichier pèse {_megabytes(size)}, au-delà de la limite de {_megabytes(max_bytes)}.")
    upload.seek(0)
    try:
        archive = zipfile.ZipFile(upload)
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        upload.seek(0)
        raise ImportFileError("Le fichier n'est pas un classeur Excel (.xlsx) lisible.") from None
    try:
        if len(infos) > MAX_MEMBERS:
            raise ImportFileError("Le fichier n'est pas un classeur Excel (.xlsx) lisible.")
        max_total = settings.SPREADSHEET_MAX_UNCOMPRESSED_BYTES
        total = sum(info.file_size for info in infos)
        if total > max_total:
            _refuse(
                f"Une fois décompressé, le classeur occupe {_megabytes(total)}, au-delà de la limite de "
                f"{_megabytes(max_total)}."
            )
        max_ratio = settings.SPREADSHEET_MAX_RATIO
        for info in infos:
            if info.file_size > RATIO_FLOOR_BYTES and info.file_size > max_ratio * max(info.compress_size, 1):
                _refuse(
                    f"Le classeur se décompresse plus de {max_ratio} fois (taux de compression anormal) : "
                    "il ne peut pas être importé tel quel. Enregistrez-le à nouveau depuis votre tableur."
                )
        max_rows, max_columns = settings.SPREADSHEET_MAX_ROWS, settings.SPREADSHEET_MAX_COLUMNS
        for info in infos:
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            try:
                dimension = _declared_dimension(archive, info)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
                raise ImportFileError("Le fichier n'est pas un classeur Excel (.xlsx) lisible.") from None
            if dimension is None:
                continue
            rows, columns = dimension
            if rows > max_rows:
                _refuse(f"Une feuille déclare {rows} lignes, au-delà de la limite de {max_rows} lignes.")
            if columns > max_columns:
                _refuse(
                    f"Une feuille déclare {columns} colonnes, au-delà de la limite de {max_columns} colonnes."
                )
    finally:
        archive.close()
        upload.seek(0)


def open_workbook(upload):
    """Check the upload, then open it read-only (rows are streamed); ImportFileError when unreadable."""
    from openpyxl import load_workbook

    check_spreadsheet(upload)
    try:
        return load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a bad file; all mean "not a workbook"
        raise ImportFileError("Le fichier n'est pas un classeur Excel (.xlsx) lisible.") from None


def file_digest(upload) -> str:
    """SHA-256 of the upload's bytes (read in chunks), the file back at its start."""
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


ALREADY_IMPORTED = (
    "Ce fichier a déjà été importé{when}{who} : rien n'a été ajouté une seconde fois. Pour compléter, "
    "importez un fichier qui ne contient que les nouvelles lignes."
)

IMPORT_RUNNING = (
    "Ce fichier est déjà en cours d'import : attendez la fin du traitement (la page de suivi se met à jour "
    "seule) avant de le déposer à nouveau."
)


@dataclass(frozen=True)
class ImportKey:
    """The identity of an import: what is imported (kind), where (target) and the file's SHA-256."""

    kind: str
    target: str
    digest: str
    by: object = None

    def _records(self):
        from qualipref.models import ImportRecord

        return ImportRecord.objects.filter(
            kind=self.kind, target=self.target, digest=self.digest, status__in=ImportRecord.HOLDING
        )

    def refusal(self) -> str:
        from django.utils import timezone

        record = self._records().select_related("created_by").first()
        if record is None:
            return ALREADY_IMPORTED.format(when="", who="")
        if not record.is_finished:
            return IMPORT_RUNNING
        when = timezone.localtime(record.created_at).strftime(" le %d/%m/%Y à %H:%M")
        who = (
            f" par {record.created_by.get_full_name() or record.created_by.username}"
            if record.created_by
            else ""
        )
        return ALREADY_IMPORTED.format(when=when, who=who)

    def check(self) -> None:
        """Refuse (ImportFileError) a file already imported into this target."""
        if self._records().exists():
            raise ImportFileError(self.refusal())

    def claim(self):
        """Record the import, inside the caller's transaction; ImportFileError when another import of
        the same file got there first (it waits for the other transaction on PostgreSQL)."""
        from django.db import IntegrityError, transaction

        from qualipref.models import ImportRecord

        try:
            with transaction.atomic():
                return ImportRecord.objects.create(
                    kind=self.kind,
                    target=self.target,
                    digest=self.digest,
                    created_by=self.by if getattr(self.by, "pk", None) else None,
                )
        except IntegrityError:
            raise ImportFileError(self.refusal()) from None


def import_key(kind: str, upload, *, target="", by=None) -> ImportKey:
    return ImportKey(kind=kind, target=str(target or ""), digest=file_digest(upload), by=by)
