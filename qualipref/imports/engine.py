"""One way of importing a spreadsheet, for every app.

An app declares an `Importer`: its columns (header, field, required or not, the default of an optional
one, the format), how to load what the rows refer to once (`prepare`: the user's sites, the campaign's
criteria… with their `Choices`), a row form, and a row service (`save`). This module does the rest, the
same way everywhere:

- checks the upload before parsing it (qualipref.uploads: size, zip bomb, declared dimensions), then
  streams its rows (openpyxl read-only); headers are matched like choices (case, accents, spacing);
- validates every row and reports every error by row, column, value and what is accepted, in French;
- saves all the rows in one transaction, or none (all or nothing);
- happens once per file and target (the file's SHA-256 under a unique constraint: ImportRecord), the
  second submission of a file answering « déjà importé »;
- runs in the request when the file is small, and in the background (Celery) past
  `IMPORT_BACKGROUND_ROWS` rows, the page then polling the ImportRecord for its progress and result.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.forms.forms import NON_FIELD_ERRORS
from django.utils import timezone

from qualipref import french
from qualipref.excel import ImportResult, RowError
from qualipref.uploads import ImportFileError, ImportKey, file_digest, open_workbook

from .choices import Choices, normalise

logger = logging.getLogger(__name__)

# A row's data may carry, under this key, the header to name for a field (a matrix layout: the rate of
# one row comes from the column of its criterion); an importer's `read` may put header-level errors in
# `ctx.header_errors` (RowError on row 1).
LABELS = "__labels__"
MAX_STORED_ERRORS = 1000  # a background import keeps at most this many errors on its record
DUPLICATE_ROW = "Cette ligne reprend la ligne {first} du fichier : elle n'est importée qu'une fois."
NO_ROWS = "Aucune ligne à importer : le fichier ne contient que les en-têtes."
QUEUE_DOWN = (
    "Le traitement en arrière-plan est indisponible pour le moment : rien n'a été importé. "
    "Réessayez dans quelques minutes."
)


@dataclass(frozen=True)
class ImportColumn:
    """One column of an import: its header, the row form's field, whether it must be there."""

    header: str
    field: str
    required: bool = True
    help: str = ""  # the format, in French: "date (JJ/MM/AAAA)", "code du site"…
    default: str = ""  # the label of the value an empty cell gets (an optional column with a default)
    aliases: tuple[str, ...] = ()  # other header wordings accepted

    @property
    def requirement(self) -> str:
        if self.required:
            return "obligatoire"
        return f"facultative (par défaut : {self.default})" if self.default else "facultative"


def model_column(model, field_name: str, header: str, **kwargs) -> ImportColumn:
    """A column for a model field: optional when the field has a default (the empty cell gets it), and
    the default's label then shown in the template and on the page."""
    model_field = model._meta.get_field(field_name)
    if model_field.has_default() and "required" not in kwargs:
        default = model_field.get_default()
        labels = dict(model_field.flatchoices) if model_field.choices else {}
        kwargs.update(required=False, default=str(labels.get(default, default)))
    return ImportColumn(header, field_name, **kwargs)


def model_default(model, field_name: str):
    return model._meta.get_field(field_name).get_default()


class ImportContext(SimpleNamespace):
    """What the rows refer to, loaded once per file: `user`, `target`, `today`, `choices` (field →
    Choices), and whatever the app's `prepare` adds."""


class Importer:
    """The declaration of one import. Subclass it in the app's imports.py and register an instance in the
    app's AppConfig.ready() (`qualipref.imports.register`) so that the background worker finds it."""

    kind: str = ""  # ImportRecord.kind: with the target and the file's digest, the import's identity
    title: str = "Importer"
    intro: str = ""  # a French paragraph shown on the import page
    sheet: str = "Import"  # the template's first sheet
    filename: str = "modele-import.xlsx"
    noun: tuple[str, str] = ("ligne créée", "lignes créées")
    columns: list[ImportColumn] = []

    # ---- what each app defines -------------------------------------------------------------------------

    def prepare(self, *, user, target) -> ImportContext:
        return ImportContext(user=user, target=target, today=timezone.localdate(), choices={})

    def examples(self, ctx: ImportContext) -> list[dict[str, Any]]:
        """Example rows for the template ({field: value}), from the user's scope and the current year."""
        return []

    def form(self, data: dict, ctx: ImportContext) -> forms.Form:
        raise NotImplementedError

    def save(self, data: dict, ctx: ImportContext) -> bool | str:
        """Write one valid row; True/"created" when it created a row, False/"unchanged"/"updated" else."""
        raise NotImplementedError

    def identity(self, data: dict, ctx: ImportContext):
        """What identifies a row within the file (two rows alike are refused), or None."""
        return None

    def finish(self, ctx: ImportContext) -> None:
        """After every row is saved, inside the same transaction."""

    def target_key(self, target) -> str:
        return str(getattr(target, "pk", target) or "")

    def target_params(self, target) -> dict:
        """The target as JSON, for the background run (`load_target` reads it back)."""
        return {"pk": target.pk} if getattr(target, "pk", None) else {}

    def load_target(self, params: dict):
        return None

    def done_url(self, target) -> str:
        return "/"

    # ---- shared behaviour ----------------------------------------------------------------------------------

    def column(self, field_name: str) -> ImportColumn | None:
        return next((c for c in self.columns if c.field == field_name), None)

    def header_of(self, field_name: str) -> str:
        column = self.column(field_name)
        return column.header if column else ""

    def read(self, headers: list[str], rows: Iterator[tuple[int, tuple]], ctx) -> Iterator[tuple[int, dict]]:
        """(row number, {field: value}) for each non-empty row; headers matched like choices."""
        found = {normalise(h): i for i, h in enumerate(headers) if normalise(h)}
        positions, missing = {}, []
        for column in self.columns:
            names = [normalise(column.header), *(normalise(a) for a in column.aliases)]
            position = next((found[n] for n in names if n in found), None)
            if position is not None:
                positions[column.field] = position
            elif column.required:
                missing.append(column.header)
        if missing:
            raise ImportFileError(
                f"{french.plural(len(missing), 'Colonne manquante', 'Colonnes manquantes')} : "
                f"{', '.join(missing)}. Utilisez le modèle proposé au téléchargement "
                "(la première ligne porte les en-têtes)."
            )
        for number, values in rows:
            data = {}
            for column in self.columns:
                position = positions.get(column.field)
                value = values[position] if position is not None and position < len(values) else None
                data[column.field] = "" if value is None else value
            yield number, data

    def summary(self, result) -> str:
        singular, plural = self.noun
        text = f"Import terminé : {result.created} {french.plural(result.created, singular, plural)}"
        if result.updated:
            text += f", {result.updated} {french.plural(result.updated, 'mise', 'mises')} à jour"
        if result.unchanged:
            present = french.plural(
                result.unchanged, "déjà présente (inchangée)", "déjà présentes (inchangées)"
            )
            text += f", {result.unchanged} {present}"
        return text + "."


# ---- reading ---------------------------------------------------------------------------------------------


def _cell(value):
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    if isinstance(value, str):
        return value.strip()
    return value


def sheet_rows(upload) -> tuple[list[str], Iterator[tuple[int, tuple]], Callable[[], None]]:
    """The first sheet's headers and an iterator of (row number, values) of its non-empty rows, read in
    streaming mode; the third item closes the workbook."""
    workbook = open_workbook(upload)  # refuses a file over the limits before parsing it
    rows = workbook.worksheets[0].iter_rows(values_only=True)
    try:
        first = next(rows)
    except StopIteration:
        workbook.close()
        raise ImportFileError("Le classeur est vide : la première ligne doit porter les en-têtes.") from None
    except Exception:  # openpyxl raises many kinds on a bad file; all mean "not a workbook"
        workbook.close()
        raise ImportFileError("Le fichier n'est pas un classeur Excel (.xlsx) lisible.") from None
    headers = [str(h).strip() if h is not None else "" for h in first]

    def body():
        try:
            for number, values in enumerate(rows, start=2):
                if values is None or all(v is None or str(v).strip() == "" for v in values):
                    continue
                yield number, tuple(_cell(v) for v in values)
        except ImportFileError:
            raise
        except Exception:
            raise ImportFileError("Le fichier n'est pas un classeur Excel (.xlsx) lisible.") from None

    return headers, body(), workbook.close


class TooManyRows(Exception):
    """More rows than an import run in the request may take: it goes to the background."""


def read_rows(importer: Importer, upload, ctx, *, limit: int | None = None) -> list[tuple[int, dict]]:
    headers, rows, close = sheet_rows(upload)
    try:
        read = []
        for item in importer.read(headers, rows, ctx):
            if limit is not None and len(read) >= limit:
                raise TooManyRows
            read.append(item)
        return read
    finally:
        close()
        upload.seek(0)


# ---- validating and saving --------------------------------------------------------------------------------


def validate(
    importer: Importer, rows: list[tuple[int, dict]], ctx, *, progress: Callable[[int], None] | None = None
) -> tuple[list[RowError], list[dict]]:
    """Every row through its form: the row errors (sorted by row), and the valid rows' cleaned data."""
    errors, valid, seen = [], [], {}
    step = max(1, len(rows) // 50)
    for index, (number, data) in enumerate(rows, start=1):
        form = importer.form(data, ctx)
        if form.is_valid():
            identity = importer.identity(form.cleaned_data, ctx)
            if identity is not None and identity in seen:
                errors.append(RowError(number, "", DUPLICATE_ROW.format(first=seen[identity])))
            else:
                if identity is not None:
                    seen[identity] = number
                valid.append(form.cleaned_data)
        else:
            labels = data.get(LABELS) or {}
            for name, messages in form.errors.items():
                header = labels.get(name) or importer.header_of(name) if name != NON_FIELD_ERRORS else ""
                for message in messages:
                    errors.append(RowError(number, header, message))
        if progress and index % step == 0:
            progress(index)
    errors.extend(getattr(ctx, "header_errors", []))
    if not rows and not errors:
        errors.append(RowError(2, "", NO_ROWS))
    errors.sort(key=lambda e: e.row)
    return errors, valid


def _outcome(saved) -> str:
    if saved is True or saved == "created":
        return "created"
    if saved == "updated":
        return "updated"
    return "unchanged"


def save_all(importer: Importer, valid: list[dict], ctx, *, progress=None) -> ImportResult:
    """Save every valid row (inside the caller's transaction)."""
    result = ImportResult()
    step = max(1, len(valid) // 50)
    for index, data in enumerate(valid, start=1):
        outcome = _outcome(importer.save(data, ctx))
        if outcome == "created":
            result.created += 1
        elif outcome == "updated":
            result.updated += 1
        else:
            result.unchanged += 1
        if progress and index % step == 0:
            progress(index)
    importer.finish(ctx)
    return result


def _as_errors(exc: ValidationError) -> list[RowError]:
    return [RowError(0, "", message) for message in exc.messages]


# ---- running ----------------------------------------------------------------------------------------------


def background_threshold() -> int:
    return int(getattr(settings, "IMPORT_BACKGROUND_ROWS", 1000))


def run(importer: Importer, upload, *, user, target, ctx=None) -> ImportResult:
    """Import `upload` into `target` for `user`: in the request when small, else queued in the background
    (the result's `record` is then the ImportRecord to follow). ImportFileError (French) when the file is
    refused as a whole (over the limits, unreadable, missing columns, already imported)."""
    key = ImportKey(importer.kind, importer.target_key(target), file_digest(upload), by=user)
    key.check()
    ctx = ctx or importer.prepare(user=user, target=target)
    try:
        rows = read_rows(importer, upload, ctx, limit=background_threshold())
    except TooManyRows:
        return _queue(importer, upload, key=key, target=target)
    errors, valid = validate(importer, rows, ctx)
    result = ImportResult(errors=errors)
    if errors:
        return result
    try:
        with transaction.atomic():
            record = key.claim()
            saved = save_all(importer, valid, ctx)
            record.rows_created, record.rows_unchanged, record.total = (
                saved.created,
                saved.unchanged,
                len(rows),
            )
            record.save(update_fields=["rows_created", "rows_unchanged", "total"])
    except ValidationError as exc:  # a row refused by the service (a constraint, a race): nothing kept
        return ImportResult(errors=_as_errors(exc))
    saved.record = record
    return saved


def _queue(importer: Importer, upload, *, key: ImportKey, target) -> ImportResult:
    from qualipref.models import ImportRecord

    upload.seek(0)
    name = (getattr(upload, "name", "") or "import.xlsx").rsplit("/", 1)[-1]
    record = ImportRecord(
        kind=key.kind,
        target=key.target,
        digest=key.digest,
        created_by=user if getattr((user := key.by), "pk", None) else None,
        status=ImportRecord.Status.QUEUED,
        progress=0,
        message="En attente de traitement",
        params=importer.target_params(target),
        filename=name[:255],
    )
    try:
        with transaction.atomic():
            record.file.save(name, ContentFile(upload.read()), save=False)
            record.save()
    except IntegrityError:  # the same file, submitted at the same moment, got there first
        record.file.delete(save=False)
        raise ImportFileError(key.refusal()) from None
    transaction.on_commit(lambda: enqueue(record.pk))
    return ImportResult(record=record)


def enqueue(record_id: int) -> bool:
    """Send a queued import to the workers; when the broker is down the import is marked failed (its key
    freed, the file removed) and the page says to try again."""
    from qualipref.models import ImportRecord
    from qualipref.tasks import run_import

    try:
        run_import.delay(record_id)
    except Exception as exc:  # kombu OperationalError, socket errors…: never fail the request for it
        logger.warning("Import %s not queued, broker unavailable: %s", record_id, exc)
        record = ImportRecord.objects.filter(pk=record_id, status=ImportRecord.Status.QUEUED).first()
        if record is not None:
            _finish(record, ImportRecord.Status.FAILED, QUEUE_DOWN, errors=[])
        return False
    return True


def progress_key(record_id: int) -> str:
    return f"qualipref:import-progress:{record_id}"


def current_progress(record) -> int:
    """The record's progress, or the one the save phase publishes in the cache (its transaction is not
    committed yet, so the row cannot show it)."""
    if record.is_finished:
        return record.progress
    return max(record.progress, int(cache.get(progress_key(record.pk), 0) or 0))


def _finish(record, status, message, *, errors=None, result: ImportResult | None = None):
    record.status, record.message, record.finished_at = status, message[:255], timezone.now()
    record.progress = 100 if status == record.Status.DONE else record.progress
    fields = ["status", "message", "finished_at", "progress"]
    if errors is not None:
        record.errors = [
            {"row": e.row, "column": e.column, "message": str(e.message)} for e in errors[:MAX_STORED_ERRORS]
        ]
        fields.append("errors")
    if result is not None:
        record.rows_created, record.rows_unchanged = result.created, result.unchanged
        record.rows_updated = result.updated
        fields += ["rows_created", "rows_unchanged", "rows_updated"]
    if record.file:
        record.file.delete(save=False)
        fields.append("file")
    record.save(update_fields=fields)
    cache.delete(progress_key(record.pk))


def execute(record_id: int):
    """Run a queued import (the Celery task calls this). Safe to run twice: only the claim works."""
    from qualipref.models import ImportRecord

    from .registry import get

    claimed = ImportRecord.objects.filter(pk=record_id, status=ImportRecord.Status.QUEUED).update(
        status=ImportRecord.Status.RUNNING, progress=1, message="Lecture du fichier"
    )
    if claimed != 1:
        return None
    record = ImportRecord.objects.select_related("created_by").get(pk=record_id)
    Status = ImportRecord.Status
    try:
        importer = get(record.kind)
        target = importer.load_target(record.params)
        ctx = importer.prepare(user=record.created_by, target=target)
        with record.file.open("rb") as upload:
            rows = read_rows(importer, upload, ctx)
        total = len(rows) or 1
        ImportRecord.objects.filter(pk=record_id).update(total=len(rows), progress=5, message="Vérification")

        def checked(done: int):
            ImportRecord.objects.filter(pk=record_id).update(
                progress=5 + int(45 * done / total), message=f"Vérification : ligne {done} sur {len(rows)}"
            )

        errors, valid = validate(importer, rows, ctx, progress=checked)
        if errors:
            record.refresh_from_db()
            _finish(
                record, Status.REFUSED, f"{len(errors)} erreur(s) : rien n'a été enregistré", errors=errors
            )
            return record
        ImportRecord.objects.filter(pk=record_id).update(progress=50, message="Enregistrement des lignes")

        def saved(done: int):
            cache.set(progress_key(record_id), 50 + int(49 * done / max(len(valid), 1)), 3600)

        record.refresh_from_db()
        try:
            with transaction.atomic():
                result = save_all(importer, valid, ctx, progress=saved)
                _finish(record, Status.DONE, importer.summary(result), errors=[], result=result)
        except ValidationError as exc:
            record.refresh_from_db()
            _finish(
                record,
                Status.REFUSED,
                "Une ligne a été refusée : rien n'a été enregistré",
                errors=_as_errors(exc),
            )
    except ImportFileError as exc:
        record.refresh_from_db()
        _finish(record, Status.REFUSED, str(exc), errors=[RowError(0, "", str(exc))])
    except Exception as exc:  # recorded on the row, the key freed: the user may submit the file again
        logger.exception("Import %s failed", record_id)
        record.refresh_from_db()
        _finish(record, Status.FAILED, f"Échec du traitement : {exc.__class__.__name__}", errors=[])
    return record


@dataclass
class StoredResult:
    """A finished background import, shaped like an ImportResult for the page."""

    errors: list = field(default_factory=list)
    created: int = 0
    unchanged: int = 0
    updated: int = 0

    @property
    def ok(self):
        return not self.errors


def record_result(record) -> StoredResult:
    return StoredResult(
        errors=[RowError(e["row"], e["column"], e["message"]) for e in record.errors],
        created=record.rows_created,
        unchanged=record.rows_unchanged,
        updated=record.rows_updated,
    )


def choices_of(ctx) -> dict[str, Choices]:
    return getattr(ctx, "choices", {}) or {}


__all__ = [
    "ImportColumn",
    "ImportContext",
    "Importer",
    "execute",
    "read_rows",
    "record_result",
    "run",
    "save_all",
    "validate",
]
