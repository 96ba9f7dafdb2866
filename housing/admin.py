"""The housing stock in the Django admin: properties and units. Placements hold
personal data and stay out of the admin; they are written by the services. The
contribution ledger (charges and payments) is shown read-only: its rows are never changed
or deleted, a mistake is corrected by a reversing entry (housing.services.payment_reverse)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from . import services
from .models import ContributionCharge, HousingUnit, Payment, Property


class HousingUnitInline(admin.TabularInline):
    model = HousingUnit
    extra = 0
    fields = ["name", "kind", "project", "capacity", "state"]
    show_change_link = True

    def has_change_permission(self, request, obj=None):
        # Changes go through the unit's own page, where capacity is checked.
        return False


@admin.register(Property)
class PropertyAdmin(admin.ModelAdmin):
    list_display = ["name", "address", "town", "managing_organisation", "owner"]
    list_filter = ["managing_organisation", "town"]
    search_fields = ["name", "address", "town", "owner"]
    autocomplete_fields = ["municipality", "managing_organisation"]
    inlines = [HousingUnitInline]


class HousingUnitAdminForm(forms.ModelForm):
    class Meta:
        model = HousingUnit
        fields = [
            "property",
            "project",
            "name",
            "kind",
            "capacity",
            "step_free",
            "accessible_bathroom",
            "state",
            "notes",
        ]

    def clean(self):
        cleaned = super().clean()
        capacity = cleaned.get("capacity")
        if self.instance.pk and capacity is not None and capacity < self.instance.capacity:
            problem = services.capacity_problem(unit=self.instance, capacity=capacity)
            if problem:
                self.add_error("capacity", problem)
        return cleaned


@admin.register(HousingUnit)
class HousingUnitAdmin(admin.ModelAdmin):
    form = HousingUnitAdminForm
    list_display = ["name", "property", "project", "kind", "capacity", "step_free", "state"]
    list_filter = ["project", "kind", "state", "step_free"]
    search_fields = ["name", "property__name", "property__address", "property__town"]
    list_select_related = ["property", "project"]
    autocomplete_fields = ["property"]

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        # Through the service: it locks the unit and moves people off places that a
        # lower capacity removes.
        try:
            services.unit_update(
                user=request.user,
                unit=obj,
                **{name: form.cleaned_data[name] for name in form.changed_data},
            )
        except ValidationError as error:
            # Raced with a placement after the form was checked: nothing was saved.
            self.message_user(request, "; ".join(error.messages), level="error")


class LedgerAdmin(admin.ModelAdmin):
    """The ledger as the administration office reads it: nothing to add, change, delete."""

    list_select_related = ["placement__household", "placement__unit__project"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ContributionCharge)
class ContributionChargeAdmin(LedgerAdmin):
    list_display = ["placement", "month", "amount", "days_charged", "days_in_month", "due_on"]
    list_filter = ["placement__unit__project", "month"]
    date_hierarchy = "month"


@admin.register(Payment)
class PaymentAdmin(LedgerAdmin):
    list_display = ["placement", "paid_on", "amount", "method", "receipt_number", "reverses"]
    list_filter = ["placement__unit__project", "method"]
    search_fields = ["receipt_number"]
    date_hierarchy = "paid_on"
