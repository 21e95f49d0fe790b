from django.contrib import admin

from .models import Notice


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["title", "level", "recipient", "due_on", "created_at", "sent_at"]
    list_filter = ["level", "department", "sent_at"]
    search_fields = ["title", "recipient__username"]
    list_select_related = ["recipient"]
