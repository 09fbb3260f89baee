from django.contrib import admin

from doanket.core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The log is evidence: it can be read here, never changed."""

    list_display = ["created_at", "action", "username", "unit", "summary"]
    list_filter = ["action"]
    search_fields = ["username", "summary", "object_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
