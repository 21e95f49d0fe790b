from django.contrib import admin

from .models import Attachment


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "url", "content_type", "object_id", "uploaded_by", "uploaded_at"]
    list_filter = ["content_type"]
