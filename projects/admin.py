from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.personal_data import ConsentPurpose

from .models import EligibilityQuestion, Participation, PriorityRule, Project, Service


class ParticipationFormSet(BaseInlineFormSet):
    """Each row checks the one-lead constraint against the database only; two new rows
    both marked capofila would pass it and break it on saving. Counted here, over what
    the project will have once the form is saved."""

    def clean(self):
        super().clean()
        leads = [
            form
            for form in self.forms
            if form.has_changed() or form.instance.pk
            if not self._should_delete_form(form)
            and getattr(form, "cleaned_data", None)
            and form.cleaned_data.get("role") == Participation.Role.LEAD
        ]
        if len(leads) > 1:
            raise ValidationError(
                _(
                    "Un progetto ha un solo ente capofila: ne hai indicati %(count)s. "
                    "Lascia il ruolo di capofila a uno solo."
                )
                % {"count": len(leads)},
                code="one_lead",
            )


class ParticipationInline(admin.TabularInline):
    model = Participation
    formset = ParticipationFormSet
    extra = 1
    autocomplete_fields = ["organisation"]


class ServiceInline(admin.StackedInline):
    model = Service
    extra = 0


class PriorityRuleInline(admin.TabularInline):
    model = PriorityRule
    extra = 0


class EligibilityQuestionInline(admin.StackedInline):
    """The questions of the project's own intake: its referral form asks them."""

    model = EligibilityQuestion
    extra = 0
    fields = [("text", "kind", "required", "order"), "help_text", "options"]


class ProjectAdminForm(forms.ModelForm):
    # Case management is always required: only the purposes a project adds are chosen.
    required_consent_purposes = forms.TypedMultipleChoiceField(
        label=Project._meta.get_field("required_consent_purposes").verbose_name,
        help_text=Project._meta.get_field("required_consent_purposes").help_text,
        choices=[c for c in ConsentPurpose.choices if c[0] != ConsentPurpose.CASE_MANAGEMENT],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Project
        fields = ["required_consent_purposes"]  # the others: ProjectAdmin.fieldsets


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    form = ProjectAdminForm
    list_display = ["name", "kind", "status", "start_date", "end_date", "max_stay_months"]
    list_filter = ["kind", "status", "participations__organisation"]
    search_fields = ["name", "short_name", "description", "participations__organisation__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["area_served"]
    inlines = [ParticipationInline, ServiceInline, PriorityRuleInline, EligibilityQuestionInline]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "slug", "kind", "status", "description"]}),
        (
            None,
            {
                "fields": [
                    "target_group",
                    "priority_notes",
                    "max_stay_months",
                    "required_consent_purposes",
                    ("start_date", "end_date"),
                    "area_served",
                ]
            },
        ),
        (gettext_lazy("Patto di accoglienza"), {"fields": ["agreement_rules"]}),
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
