from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ApiClient, Indicator, Measurement, Target


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "department", "formula", "unit", "direction", "active"]
    list_filter = ["department", "formula", "active"]
    search_fields = ["name", "code"]


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "entity", "site", "year", "value"]
    list_filter = ["entity", "year"]


@admin.register(Measurement)
class MeasurementAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "site", "period", "value", "source"]
    list_filter = ["source", "site", "indicator"]
    date_hierarchy = "period"


@admin.register(ApiClient)
class ApiClientAdmin(SimpleHistoryAdmin):
    list_display = ["name", "department", "token_prefix", "active", "last_used_at"]
    readonly_fields = ["token_prefix", "token_hash", "last_used_at", "revoked_at"]
