from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Audit, AuditPlanLine, Finding, GapSheet, SelfAssessmentRow


class PlanLineInline(admin.TabularInline):
    model = AuditPlanLine
    extra = 0


@admin.register(Audit)
class AuditAdmin(SimpleHistoryAdmin):
    list_display = ["title", "entity", "kind", "start_on", "end_on", "status"]
    list_filter = ["kind", "status", "entity__department", "entity"]
    search_fields = ["title", "external_body"]
    filter_horizontal = ["sites", "modules", "auditors", "reception_points"]
    inlines = [PlanLineInline]
    date_hierarchy = "start_on"


class GapSheetInline(admin.StackedInline):
    model = GapSheet
    extra = 0


@admin.register(Finding)
class FindingAdmin(SimpleHistoryAdmin):
    list_display = ["title", "finding_type", "entity", "department", "audit", "status", "observed_on"]
    list_filter = ["finding_type__code", "status", "department", "entity"]
    search_fields = ["title", "description"]
    raw_id_fields = ["audit", "engagement", "criterion"]
    inlines = [GapSheetInline]


@admin.register(SelfAssessmentRow)
class SelfAssessmentRowAdmin(SimpleHistoryAdmin):
    list_display = ["audit", "engagement", "criterion", "answer"]
    list_filter = ["answer"]
    raw_id_fields = ["audit", "finding"]
