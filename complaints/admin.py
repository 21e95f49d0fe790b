from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Correspondence, CorrespondencePause, ModelAnswer


class PauseInline(admin.TabularInline):
    model = CorrespondencePause
    extra = 0


@admin.register(Correspondence)
class RequestAdmin(SimpleHistoryAdmin):
    list_display = ("reference", "site", "kind", "received_on", "due_on", "status", "assigned_to")
    list_filter = ("kind", "status", "channel")
    search_fields = ("reference", "subject", "requester_name")
    list_select_related = ("site", "assigned_to")
    raw_id_fields = ("assigned_to", "reception_point")
    readonly_fields = ("due_on", "answer_days", "answered_on_time", "deadline_days", "deadline_kind")
    inlines = [PauseInline]


@admin.register(ModelAnswer)
class ModelAnswerAdmin(SimpleHistoryAdmin):
    list_display = ("title", "topic", "kind", "department")
    list_filter = ("kind", "department")
