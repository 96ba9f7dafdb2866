"""The filter of the notifications page (read / unread, kind)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from .forms import NotificationFilterForm
from .kinds import Kind
from .models import Notification


class NotificationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Stato"),
        choices=[("unread", _("Da leggere")), ("read", _("Lette"))],
        method="filter_status",
        empty_label=_("Tutte"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Tipo"), choices=Kind.choices, empty_label=_("Tutti i tipi")
    )

    class Meta:
        model = Notification
        fields = ["status", "kind"]
        form = NotificationFilterForm

    def filter_status(self, queryset, name, value):
        if value == "unread":
            return queryset.filter(read_at__isnull=True)
        if value == "read":
            return queryset.filter(read_at__isnull=False)
        return queryset
