from django.contrib import admin

from dashboard.models import SiussCode


@admin.register(SiussCode)
class SiussCodeAdmin(admin.ModelAdmin):
    """The mapping to the SIUSS codes: the admin checks each against the official list."""

    list_display = ("kind", "key", "code", "label", "verified")
    list_filter = ("kind", "verified")
    list_editable = ("code", "verified")
    search_fields = ("key", "code", "label")
