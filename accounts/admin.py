from django.contrib import admin

from .models import Invitation


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "role", "department", "entity", "site", "created_at", "expires_at", "used_at"]
    list_filter = ["department", "role"]
    search_fields = ["email"]
    readonly_fields = ["token_hash", "used_at", "user", "invited_by"]
