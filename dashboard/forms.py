"""Forms of the dashboard and of the caseloads page. They check the shape of the input;
which projects, cases and workers a user may choose comes from the selectors."""

from __future__ import annotations

import datetime

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Case
from beneficiaries.selectors import cases as cases_selectors
from core.forms import DateInput
from dashboard.indicators import Period
from dashboard.selectors import caseloads as caseloads_selectors
from dashboard.services import AssignMode
from users.models import User

# A report longer than this is a typing mistake (a year with one digit too many), and its
# monthly chart would have thousands of points.
MAX_PERIOD_YEARS = 10
# No pathway of the network is older than this; a year such as 0001 is a typing mistake
# (and ages computed from it fall off the calendar).
EARLIEST_DAY = datetime.date(1990, 1, 1)


def default_period(today: datetime.date | None = None) -> Period:
    """From the first of January to today."""
    today = today or timezone.localdate()
    return Period(today.replace(month=1, day=1), today)


def quick_periods(today: datetime.date | None = None) -> list[tuple[str, Period]]:
    today = today or timezone.localdate()
    last_year = today.year - 1
    twelve_months_ago = today.replace(day=1) - datetime.timedelta(days=1)
    start_of_twelve = twelve_months_ago.replace(year=twelve_months_ago.year - 1, day=1)
    start_of_twelve = (start_of_twelve + datetime.timedelta(days=32)).replace(day=1)
    return [
        (_("Anno in corso"), default_period(today)),
        (_("Ultimi 12 mesi"), Period(start_of_twelve, today)),
        (
            _("Anno %(year)s") % {"year": last_year},
            Period(datetime.date(last_year, 1, 1), datetime.date(last_year, 12, 31)),
        ),
    ]


class PeriodForm(forms.Form):
    """The period of the report, read from the query string (dal, al)."""

    dal = forms.DateField(label=_("Dal"), widget=DateInput())
    al = forms.DateField(label=_("Al"), widget=DateInput())

    def __init__(self, data=None, *args, **kwargs):
        # No period asked for: the year so far, as if it had been chosen.
        if not data or not ({"dal", "al"} & set(data)):
            default = default_period()
            data = {"dal": default.start.isoformat(), "al": default.end.isoformat()}
        super().__init__(data, *args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("dal"), cleaned.get("al")
        for field, day in (("dal", start), ("al", end)):
            if day and day < EARLIEST_DAY:
                self.add_error(
                    field,
                    _("Scegli una data dal %(day)s in poi.")
                    % {"day": EARLIEST_DAY.strftime("%d/%m/%Y")},
                )
        start, end = cleaned.get("dal"), cleaned.get("al")
        if start and end:
            if end < start:
                self.add_error(
                    "al",
                    _(
                        "La fine del periodo (%(end)s) non può precedere l'inizio (%(start)s): "
                        "correggi una delle due date."
                    )
                    % {"end": end.strftime("%d/%m/%Y"), "start": start.strftime("%d/%m/%Y")},
                )
            elif end.year - start.year > MAX_PERIOD_YEARS:
                self.add_error(
                    "al",
                    _("Un periodo può durare al massimo %(years)d anni.")
                    % {"years": MAX_PERIOD_YEARS},
                )
        return cleaned

    @property
    def period(self) -> Period:
        return Period(self.cleaned_data["dal"], self.cleaned_data["al"])

    def as_query(self) -> dict:
        return {"dal": self.data.get("dal", ""), "al": self.data.get("al", "")}


class BulkAssignForm(forms.Form):
    """Assign one worker to the cases ticked in the table."""

    cases = forms.ModelMultipleChoiceField(
        label=_("Prese in carico"),
        queryset=Case.objects.none(),
        to_field_name="public_id",
        error_messages={
            "required": _("Spunta almeno una presa in carico nella tabella."),
            "invalid_choice": _("Una delle prese in carico scelte non è più tra le tue."),
            "invalid_pk_value": _("Una delle prese in carico scelte non è valida."),
        },
    )
    worker = forms.ModelChoiceField(
        label=_("Operatore"),
        queryset=User.objects.none(),
        empty_label=_("Scegli l'operatore"),
        error_messages={"required": _("Scegli l'operatore da assegnare.")},
    )
    mode = forms.ChoiceField(
        label=_("Come"),
        choices=AssignMode.choices,
        initial=AssignMode.ADD,
        widget=forms.RadioSelect,
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = caseloads_selectors.caseload_cases(user=user)
        self.fields["worker"].queryset = cases_selectors.assignable_workers(
            organisations=caseloads_selectors.assigning_organisations(user=user)
        ).order_by("last_name", "first_name", "username")
        self.fields["worker"].label_from_instance = lambda u: u.get_full_name() or u.username
