from django.contrib import admin

from .models import ImportRecord


@admin.register(ImportRecord)
class ImportRecordAdmin(admin.ModelAdmin):
    """The files imported, one row per file and target: delete a row to allow the same file again."""

    list_display = ("kind", "target", "created_at", "created_by", "rows_created", "digest")
    list_filter = ("kind",)
    readonly_fields = ("kind", "target", "digest", "created_at", "created_by", "rows_created")
