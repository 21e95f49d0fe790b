from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import Department, Entity, Membership, ReceptionPoint, Site, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["department", "entity", "site"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    fieldsets = BaseUserAdmin.fieldsets + (("Qualipref", {"fields": ("job_title", "phone")}),)
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff"]


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0
    fields = ["code", "name", "city", "order"]
    show_change_link = True


@admin.register(Entity)
class EntityAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "department", "order"]
    list_filter = ["department", "kind"]
    search_fields = ["name", "code"]
    inlines = [SiteInline]


class ReceptionPointInline(admin.TabularInline):
    model = ReceptionPoint
    extra = 0


@admin.register(Site)
class SiteAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "entity", "city"]
    list_filter = ["entity__department", "entity"]
    search_fields = ["name", "code", "city"]
    list_select_related = ["entity"]
    inlines = [ReceptionPointInline]


@admin.register(ReceptionPoint)
class ReceptionPointAdmin(SimpleHistoryAdmin):
    list_display = ["name", "site", "phone", "email"]
    list_filter = ["site__entity__department", "site"]
    search_fields = ["name", "site__name"]
    list_select_related = ["site"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "department", "entity", "site"]
    list_filter = ["role", "department"]
    search_fields = ["user__username", "user__last_name"]
    list_select_related = ["user", "department", "entity", "site"]
    autocomplete_fields = ["user", "department", "entity", "site"]
