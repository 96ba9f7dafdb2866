"""The one model of beneficiaries in the Django admin: the organisations' rooms, which
appointments book. The households' personal data is never here: it is read only through
the application's scoping layer."""

from django.contrib import admin

from beneficiaries.models import Room


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "address", "is_active"]
    list_filter = ["is_active", "organisation"]
    search_fields = ["name", "organisation__name"]
    autocomplete_fields = ["organisation"]
