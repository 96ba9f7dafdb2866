"""The filter of the coordinators' caseloads page."""

from __future__ import annotations

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout
from django.utils.translation import gettext_lazy as _

from beneficiaries.filters import CaseFilter
from dashboard.selectors import caseloads as caseloads_selectors


class CoordinatorCaseloadFilter(CaseFilter):
    """The filters of the coordinators' caseloads table; every choice scoped like the
    table."""

    show = django_filters.ChoiceFilter(
        label=_("Mostra"),
        choices=[
            ("unassigned", _("Solo senza operatore")),
            ("attention", _("Solo da seguire (verifiche scadute o nessun contatto da 30 giorni)")),
        ],
        method="filter_show",
        empty_label=_("Tutte le prese in carico aperte"),
    )

    class Meta(CaseFilter.Meta):
        fields = ["project", "worker", "show"]

    def __init__(self, data=None, *args, user, today, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.today = today
        self.scope_choices(
            projects=caseloads_selectors.caseload_projects(user=user),
            workers=caseloads_selectors.filterable_workers(user=user),
        )
        self.filters["worker"].label = _("Operatore")
        self.form.helper = FormHelper()
        self.form.helper.form_method = "get"
        self.form.helper.form_tag = False
        self.form.helper.disable_csrf = True
        self.form.helper.layout = Layout(
            Div(
                Div(Field("project"), css_class="col-md-4"),
                Div(Field("worker"), css_class="col-md-4"),
                Div(Field("show"), css_class="col-md-4"),
                css_class="row",
            ),
        )

    def filter_show(self, queryset, name, value):
        if value == "unassigned":
            return queryset.filter(assignments__isnull=True)
        if value == "attention":
            return queryset.filter(caseloads_selectors.flagged_q(self.today))
        return queryset
