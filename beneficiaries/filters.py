"""Filters of the caseload list. Every choice offered is scoped like the list itself:
only the projects and the workers of cases the user may see."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from beneficiaries.forms.cases import CaseloadFilterForm
from beneficiaries.models import Case, Person, name_key
from beneficiaries.selectors import households as households_selectors
from core.validators import normalise_code
from projects.models import Project
from users.models import User

# Enough for any real name or code; a longer text is a mistake, and the form says so.
MAX_QUERY_LENGTH = 100
MAX_QUERY_WORDS = 6


class CaseFilter(django_filters.FilterSet):
    """What every list of cases is filtered by: the project and an assigned worker.
    Each list names the choices it offers, scoped like itself (scope_choices)."""

    project = django_filters.ModelChoiceFilter(
        label=_("Progetto"), queryset=Project.objects.none(), empty_label=_("Tutti i progetti")
    )
    worker = django_filters.ModelChoiceFilter(
        label=_("Operatore assegnato"),
        queryset=User.objects.none(),
        field_name="workers",
        empty_label=_("Tutti gli operatori"),
    )

    class Meta:
        model = Case
        fields = ["project", "worker"]

    def scope_choices(self, *, projects, workers) -> None:
        self.filters["project"].queryset = projects
        self.filters["worker"].queryset = workers


class CaseloadFilter(CaseFilter):
    """The filters of a worker's caseload (the cases the user may see)."""

    q = django_filters.CharFilter(
        label=_("Cerca"),
        method="filter_text",
        max_length=MAX_QUERY_LENGTH,
        help_text=_("Nome, cognome o codice fiscale di un componente."),
    )
    state = django_filters.ChoiceFilter(
        label=_("Stato"),
        choices=[("open", _("Aperte")), ("closed", _("Chiuse"))],
        method="filter_state",
        empty_label=_("Tutte"),
    )

    class Meta(CaseFilter.Meta):
        fields = ["q", "project", "state", "worker"]
        form = CaseloadFilterForm

    def __init__(self, data=None, *args, user, **kwargs):
        super().__init__(data, *args, **kwargs)
        # The projects and the workers of the cases the user may see, each read as a
        # UNION of the ways of seeing a case (Access.case_values), from covering indexes:
        # at national size 123 -> 8 ms for the projects and 220 -> 43 ms for the workers
        # of a worker whose organisation holds 23,000 cases (docs/performance.md).
        self.scope_choices(
            projects=Project.objects.filter(
                pk__in=households_selectors.visible_case_values(user=user, field="project_id")
            ).order_by("name"),
            workers=User.objects.filter(
                pk__in=households_selectors.visible_case_values(
                    user=user, field="assignments__worker_id"
                )
            ),
        )

    def filter_state(self, queryset, name, value):
        return queryset.filter(closed_on__isnull=(value == "open"))

    def filter_text(self, queryset, name, value):
        # Every word must match the same member: in their names (folded as name_key is, so
        # "nicolo" finds "Nicolò") or in their codice fiscale (kept in capitals, so the
        # word is put in capitals: a plain LIKE, which the trigram index of PostgreSQL
        # answers, beneficiaries/migrations/0015).
        people = Person.objects.filter(household_id=OuterRef("household_id"))
        words = value.split()[:MAX_QUERY_WORDS]
        for word in words:
            folded = name_key(word)
            condition = Q(codice_fiscale__contains=normalise_code(word))
            if folded:
                condition |= Q(name_key__contains=folded)
            people = people.filter(condition)
        return queryset.filter(Exists(people)) if words else queryset
