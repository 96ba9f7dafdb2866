"""Forms of cases: opening a case, choosing its workers, filtering the caseload. They
check the shape of what is typed; the rules live in the services."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Layout, Row
from django import forms
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from beneficiaries.forms.ethos import ethos_field
from beneficiaries.forms.intake import offer_only
from beneficiaries.selectors import cases as cases_selectors
from beneficiaries.services import cases as cases_services
from core.forms import DateInput
from partners.models import Organisation
from users.models import User


class CaseloadFilterForm(forms.Form):
    """Laid out here, fields from beneficiaries.filters. Submitted with POST so that a
    name or codice fiscale typed in the search never ends up in a URL (server logs,
    browser history): the view keeps the filters in the session."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.form_class = "filter-form mb-3"
        self.helper.attrs = {"role": "search", "aria-label": gettext("Filtra le prese in carico")}
        self.helper.layout = Layout(
            Row(
                Column("q", css_class="col-md-4"),
                Column("project", css_class="col-md-3"),
                Column("state", css_class="col-md-2"),
                Column("worker", css_class="col-md-3"),
            ),
            HTML(
                format_html(
                    '<div class="d-flex gap-2 mb-2">'
                    '<button type="submit" class="btn btn-primary">{}</button>'
                    '<button type="submit" name="reset" value="1" '
                    'class="btn btn-outline-secondary" formnovalidate>{}</button></div>',
                    gettext("Filtra"),
                    gettext("Azzera filtri"),
                )
            ),
        )


class _WorkersMixin:
    def _offer_workers(self, *, project, organisation) -> None:
        field = self.fields["workers"]
        # Accept any worker of an organisation that may hold the project's cases; the
        # service refuses those who do not work for the holding organisation.
        field.queryset = cases_selectors.assignable_workers(
            organisations=cases_services.case_holding_organisations(project=project)
        ).order_by("last_name", "first_name", "username")
        offer_only(
            field,
            cases_selectors.assignable_workers(organisations=[organisation]).order_by(
                "last_name", "first_name", "username"
            )
            if organisation
            else User.objects.none(),
        )


class CaseOpenForm(_WorkersMixin, forms.Form):
    holding_organisation = forms.ModelChoiceField(
        label=_("Ente titolare"),
        queryset=Organisation.objects.none(),
        empty_label=_("Scegli l'ente"),
        help_text=_("L'ente che prende in carico il nucleo."),
    )
    workers = forms.ModelMultipleChoiceField(
        label=_("Operatori assegnati"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Uno o più operatori dell'ente titolare."),
    )
    opened_on = forms.DateField(
        label=_("Aperta il"),
        widget=DateInput(),
    )
    ethos_light = ethos_field(_("Situazione abitativa all'ingresso (ETHOS Light)"))

    def __init__(self, *args, project, workers_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["opened_on"].initial = timezone.localdate
        field = self.fields["holding_organisation"]
        # Any active organisation passes the form; the service refuses one that does not
        # work in the project, with its own message.
        field.queryset = Organisation.objects.filter(is_active=True).order_by("name")
        holders = list(cases_services.case_holding_organisations(project=project).order_by("name"))
        offer_only(field, holders)
        if len(holders) == 1 and not self.is_bound:
            self.initial.setdefault("holding_organisation", holders[0].pk)
        if workers_url:
            # Choosing another organisation reloads the workers it may assign. The ticked
            # workers go with the request, so those the new organisation also offers stay
            # ticked; while it runs the checkboxes are disabled, so a tick given in the
            # meantime is not wiped out by the answer.
            field.widget.attrs.update(
                {
                    "hx-get": workers_url,
                    "hx-target": "#workers-field",
                    "hx-swap": "outerHTML",
                    "hx-trigger": "change",
                    "hx-include": "#workers-field",
                    "hx-disabled-elt": "#workers-field fieldset",
                }
            )
        self._offer_workers(project=project, organisation=self._chosen_holder(holders))

    def _chosen_holder(self, holders) -> Organisation | None:
        value = (
            self.data.get("holding_organisation")
            if self.is_bound
            else self.initial.get("holding_organisation")
        )
        for organisation in holders:
            if str(organisation.pk) == str(value):
                return organisation
        return None


class CaseWorkersForm(_WorkersMixin, forms.Form):
    workers = forms.ModelMultipleChoiceField(
        label=_("Operatori assegnati"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Spunta tutti gli operatori che seguono il nucleo."),
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self._offer_workers(project=case.project, organisation=case.holding_organisation)
        if not self.is_bound:
            self.initial["workers"] = [w.pk for w in case.workers.all()]
