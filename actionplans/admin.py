from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Action, ActionComment, ActionPlan


@admin.register(ActionPlan)
class ActionPlanAdmin(SimpleHistoryAdmin):
    list_display = ["entity", "year", "status", "approved_on"]
    list_filter = ["status", "year", "entity__department"]


class CommentInline(admin.TabularInline):
    model = ActionComment
    extra = 0


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "entity", "status", "due_on", "completed_on", "owner"]
    list_filter = ["status", "category", "origin_kind", "entity"]
    search_fields = ["title"]
    raw_id_fields = ["owner", "plan"]
    inlines = [CommentInline]
