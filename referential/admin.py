from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Criterion, Engagement, FindingType, LabelScope, Module, Parameter, Referential


class ModuleInline(admin.TabularInline):
    model = Module
    extra = 0
    fields = ["number", "title", "mandatory"]
    show_change_link = True


@admin.register(Referential)
class ReferentialAdmin(SimpleHistoryAdmin):
    list_display = ["name", "version", "published_on", "valid_from", "valid_until"]
    inlines = [ModuleInline]


class EngagementInline(admin.TabularInline):
    model = Engagement
    extra = 0
    fields = ["code", "title", "order"]
    show_change_link = True


@admin.register(Module)
class ModuleAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "mandatory", "referential"]
    list_filter = ["referential"]
    inlines = [EngagementInline]


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["code", "text", "parent", "order"]


@admin.register(Engagement)
class EngagementAdmin(SimpleHistoryAdmin):
    list_display = ["code", "title", "module"]
    list_filter = ["module__referential", "module"]
    search_fields = ["code", "title"]
    inlines = [CriterionInline]


@admin.register(Criterion)
class CriterionAdmin(SimpleHistoryAdmin):
    list_display = ["code", "engagement", "parent"]
    list_filter = ["engagement__module"]
    search_fields = ["code", "text"]


@admin.register(Parameter)
class ParameterAdmin(SimpleHistoryAdmin):
    list_display = ["key", "label", "value", "unit", "department", "referential"]
    list_filter = ["referential", "department"]
    search_fields = ["key", "label"]


@admin.register(FindingType)
class FindingTypeAdmin(SimpleHistoryAdmin):
    list_display = ["label", "code", "order", "requires_action", "blocks_label", "referential"]
    list_filter = ["referential"]


@admin.register(LabelScope)
class LabelScopeAdmin(SimpleHistoryAdmin):
    list_display = ["entity", "module", "status", "awarded_on", "valid_until", "next_audit_on"]
    list_filter = ["status", "entity__department", "module__number"]
    list_select_related = ["entity", "module"]
