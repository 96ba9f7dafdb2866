"""Forms of the notifications pages."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Row, Submit
from django import forms
from django.utils.translation import gettext as _

from .kinds import GROUPS, Delivery


class NotificationFilterForm(forms.Form):
    """Laid out here, fields from notifications.filters; GET, since nothing personal is
    typed in it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "filter-form mb-3"
        self.helper.attrs = {"role": "search", "aria-label": _("Filtra le notifiche")}
        self.helper.layout = Row(
            Column("status", css_class="col-md-4"),
            Column("kind", css_class="col-md-5"),
            Column(Submit("", _("Filtra"), css_class="mt-md-4"), css_class="col-md-3"),
        )


class PreferencesForm(forms.Form):
    """One choice per kind of notification: at once, in the daily digest, or no e-mail."""

    def __init__(self, *args, initial_deliveries: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = []
        for title, kinds in GROUPS:
            names = []
            for kind in kinds:
                self.fields[kind.value] = forms.ChoiceField(
                    label=kind.label,
                    choices=Delivery.choices,
                    initial=initial_deliveries[kind.value],
                    widget=forms.RadioSelect,
                )
                names.append(kind.value)
            self.groups.append((title, names))

    def grouped_fields(self):
        return [(title, [self[name] for name in names]) for title, names in self.groups]
