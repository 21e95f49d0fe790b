from django.contrib import admin

from .models import ReportRun


@admin.register(ReportRun)
class ReportRunAdmin(admin.ModelAdmin):
    list_display = ["kind", "department", "output_format", "status", "progress", "requested_by", "created_at"]
    list_filter = ["kind", "status", "department"]
