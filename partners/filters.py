import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .forms import OrganisationFilterForm
from .models import Organisation

# Enough for any real name; a longer text is a mistake, and the form says so.
MAX_QUERY_LENGTH = 100
MAX_QUERY_WORDS = 8


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Cerca"),
        method="filter_text",
        max_length=MAX_QUERY_LENGTH,
        help_text=_("Denominazione, nome breve o comune della sede."),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Tipo di ente"),
        choices=Organisation.Kind.choices,
        empty_label=_("Tutti i tipi"),
    )

    class Meta:
        model = Organisation
        fields = ["q", "kind"]
        form = OrganisationFilterForm

    def filter_text(self, queryset, name, value):
        # Every word must appear somewhere, so "coop meta" finds "Cooperativa sociale Meta".
        for word in value.split()[:MAX_QUERY_WORDS]:
            queryset = queryset.filter(
                Q(name__icontains=word) | Q(short_name__icontains=word) | Q(town__icontains=word)
            )
        return queryset
