from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Answer, Campaign, Criterion, Response, Result, SurveyUnit, UnitPoint


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["order", "code", "label", "engagement", "target_rate"]
    autocomplete_fields = []


@admin.register(Campaign)
class CampaignAdmin(SimpleHistoryAdmin):
    list_display = ["name", "year", "population", "status", "department"]
    list_filter = ["department", "population", "status", "year"]
    search_fields = ["name"]
    inlines = [CriterionInline]


class UnitPointInline(admin.TabularInline):
    model = UnitPoint
    extra = 0


class ResultInline(admin.TabularInline):
    model = Result
    extra = 0
    fields = ["criterion", "rate", "satisfied", "concerned", "source"]


@admin.register(SurveyUnit)
class SurveyUnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "campaign", "site", "code"]
    list_filter = ["campaign", "site"]
    search_fields = ["name", "code"]
    filter_horizontal = ["reception_points"]
    inlines = [ResultInline, UnitPointInline]


@admin.register(Result)
class ResultAdmin(SimpleHistoryAdmin):
    list_display = ["unit", "criterion", "rate", "satisfied", "concerned", "source"]
    list_filter = ["unit__campaign", "source"]


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    readonly_fields = ["criterion", "value"]
    can_delete = False


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["unit", "submitted_at"]
    list_filter = ["unit__campaign"]
    readonly_fields = ["unit", "submitted_at", "token", "comment"]
    inlines = [AnswerInline]
