from django.contrib import admin

from .models import SecurityEvent


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """The security log, to read only: an entry that could be edited or deleted from
    the admin would prove nothing. Old entries go with `purge_security_log`."""

    list_display = ["at", "kind", "username", "ip_address", "path"]
    list_filter = ["kind", "at"]
    search_fields = ["username", "ip_address", "path"]
    date_hierarchy = "at"
    readonly_fields = [
        "at",
        "kind",
        "user",
        "username",
        "ip_address",
        "user_agent",
        "path",
        "details",
    ]
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
