from django.contrib import admin

from .models import Participation, PriorityRule, Project, Service


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 1
    autocomplete_fields = ["organisation"]


class ServiceInline(admin.StackedInline):
    model = Service
    extra = 0


class PriorityRuleInline(admin.TabularInline):
    model = PriorityRule
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "status", "start_date", "end_date", "max_stay_months"]
    list_filter = ["kind", "status", "participations__organisation"]
    search_fields = ["name", "short_name", "description", "participations__organisation__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["area_served"]
    inlines = [ParticipationInline, ServiceInline, PriorityRuleInline]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "slug", "kind", "status", "description"]}),
        (
            None,
            {
                "fields": [
                    "target_group",
                    "priority_notes",
                    "max_stay_months",
                    ("start_date", "end_date"),
                    "area_served",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        # The list filter on participants would otherwise repeat a project once per row.
        return super().get_queryset(request).distinct()


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = ["project", "organisation", "role"]
    list_filter = ["role", "project"]
    search_fields = ["project__name", "organisation__name"]
    autocomplete_fields = ["project", "organisation"]
    list_select_related = ["project", "organisation"]
