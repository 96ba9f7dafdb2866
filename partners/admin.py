from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from projects.models import Participation

from .models import Organisation, OrganisationMembership, StaffMembership


class StaffMembershipInline(admin.TabularInline):
    model = StaffMembership
    extra = 1
    autocomplete_fields = ["user", "organisation"]


class MembersInline(admin.TabularInline):
    model = OrganisationMembership
    fk_name = "parent"
    extra = 1
    autocomplete_fields = ["member"]
    verbose_name = _("ente aderente")
    verbose_name_plural = _("enti aderenti")


class ParentsInline(admin.TabularInline):
    model = OrganisationMembership
    fk_name = "member"
    extra = 1
    autocomplete_fields = ["parent"]
    verbose_name = _("fa parte di")
    verbose_name_plural = _("fa parte di")


class OrganisationParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    autocomplete_fields = ["project"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "town", "tax_code", "vat_number", "istat_code", "is_active"]
    list_filter = ["kind", "is_active", "province"]
    search_fields = ["name", "short_name", "tax_code", "vat_number", "istat_code", "town"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ParentsInline, MembersInline, StaffMembershipInline, OrganisationParticipationInline]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "slug", "kind", "is_active", "description"]}),
        (_("Codici"), {"fields": ["tax_code", "vat_number", "istat_code"]}),
        (_("Indirizzo"), {"fields": ["street", "postcode", "town", "province"]}),
        (_("Contatti"), {"fields": ["email", "pec", "phone", "website"]}),
    ]


@admin.register(OrganisationMembership)
class OrganisationMembershipAdmin(admin.ModelAdmin):
    list_display = ["member", "parent", "since"]
    list_filter = ["parent__kind", "member__kind"]
    search_fields = ["member__name", "parent__name"]
    autocomplete_fields = ["member", "parent"]


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "job_title", "is_active"]
    list_filter = ["role", "is_active", "organisation__kind", "organisation"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]
