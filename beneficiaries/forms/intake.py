"""Forms of the intake side: referrals, their decisions, the opening of a case and the
assignment of its workers. They check the shape of the input; the rules (who may refer
to which project, which organisation may hold a case, which workers it may assign) are
the services' and reach the user as errors on these forms."""

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Layout, Row
from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from beneficiaries.forms.ethos import ethos_field
from beneficiaries.models import Referral
from beneficiaries.services import intake as intake_services
from core.access import access_for
from partners.models import Organisation
from projects.models import EligibilityQuestion, Project


def offer_only(field: forms.ModelChoiceField, queryset) -> None:
    """Show only `queryset` in the field's widget while the field still accepts its wider
    queryset: an out-of-scope choice then reaches the service, which refuses it with
    its own message instead of the form's generic "not a valid choice"."""
    choices = [(field.prepare_value(obj), field.label_from_instance(obj)) for obj in queryset]
    if not isinstance(field, forms.ModelMultipleChoiceField) and field.empty_label is not None:
        choices.insert(0, ("", field.empty_label))
    field.widget.choices = choices


class ReferralForm(forms.Form):
    referring_organisation = forms.ModelChoiceField(
        label=_("Ente inviante"),
        queryset=Organisation.objects.none(),
        empty_label=None,
    )
    project = forms.ModelChoiceField(
        label=_("Progetto"),
        queryset=Project.objects.none(),
        empty_label=_("Scegli il progetto"),
        help_text=_("I progetti a cui partecipa l'ente inviante."),
    )
    reason = forms.CharField(
        label=_("Motivo dell'invio"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_("Perché il nucleo ha bisogno del progetto: la situazione in poche righe."),
    )
    urgency = forms.ChoiceField(label=_("Urgenza"), choices=Referral.Urgency.choices)
    ethos_light = ethos_field(_("Situazione abitativa (ETHOS Light)"))

    # The referral itself; every other field is a question of the chosen project.
    REFERRAL_FIELDS = ("referring_organisation", "project", "reason", "urgency", "ethos_light")

    def __init__(self, *args, user, organisation_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if organisation_url:
            # Choosing another project redraws its questions.
            self.fields["project"].widget.attrs.update(
                {
                    "hx-get": organisation_url,
                    "hx-target": "#eligibility-questions",
                    "hx-swap": "outerHTML",
                    "hx-trigger": "change",
                }
            )
        self.fields["referring_organisation"].queryset = Organisation.objects.filter(
            pk__in=access_for(user).frontline_organisations,
            is_active=True,
        ).order_by("name")
        if organisation_url:
            # Choosing another organisation reloads the projects it may refer to; until
            # the answer is in they are disabled, so a project chosen meanwhile is not
            # silently reset by it.
            self.fields["referring_organisation"].widget.attrs.update(
                {
                    "hx-get": organisation_url,
                    "hx-target": "#project-field",
                    "hx-swap": "outerHTML",
                    "hx-trigger": "change",
                    "hx-disabled-elt": "#project-field select",
                }
            )
        # Projects are public in the network; the service decides which one this
        # organisation may refer to.
        self.fields["project"].queryset = Project.objects.order_by("name")
        organisation = self.chosen_organisation()
        offer_only(
            self.fields["project"],
            intake_services.referrable_projects(organisation=organisation).order_by("name")
            if organisation
            else Project.objects.none(),
        )

        self.questions = list(self._chosen_project_questions())
        for question in self.questions:
            self.fields[intake_services.eligibility_field(question)] = _question_field(question)

    def _chosen_project_questions(self):
        value = self.data.get("project") if self.is_bound else None
        value = value or self.initial.get("project")
        value = getattr(value, "pk", value)
        # Not a row's id (nor one a database column can hold): no questions to ask.
        value = str(value or "")
        if not (value.isascii() and value.isdigit()) or int(value) > MAX_ID:
            return EligibilityQuestion.objects.none()
        # Projects are public in the network, and so are the questions of their intake.
        return EligibilityQuestion.objects.filter(project_id=value).order_by("order", "pk")

    @property
    def eligibility_fields(self):
        return [self[intake_services.eligibility_field(q)] for q in self.questions]

    def referral_data(self) -> dict:
        """What referral_create takes: the referral's fields and the answers to the
        project's questions ({question id: value}), checked there against the questions."""
        data = {name: self.cleaned_data[name] for name in self.REFERRAL_FIELDS}
        data["eligibility_answers"] = {
            q.pk: self.cleaned_data.get(intake_services.eligibility_field(q))
            for q in self.questions
        }
        return data

    def chosen_organisation(self) -> Organisation | None:
        """The referring organisation in the data (or the first one the user works for),
        to offer its projects."""
        field = self.fields["referring_organisation"]
        options = list(field.queryset)
        value = self.data.get("referring_organisation") if self.is_bound else None
        value = value or self.initial.get("referring_organisation")
        for organisation in options:
            if str(organisation.pk) == str(getattr(value, "pk", value)):
                return organisation
        return options[0] if options else None


MAX_ID = 2**63 - 1

REQUIRED_ANSWER = _("Rispondi a questa domanda: il progetto la chiede a ogni segnalazione.")


def _question_field(question: EligibilityQuestion) -> forms.Field:
    """The form field that asks a project's question. The service checks the answers
    again, against the questions as they are when the referral is saved."""
    Kind = EligibilityQuestion.Kind
    common = {
        "label": question.text,
        "required": question.required,
        "help_text": question.help_text,
    }
    required = {"required": REQUIRED_ANSWER}
    if question.kind == Kind.YES_NO:
        return forms.ChoiceField(
            choices=[("yes", _("Sì")), ("no", _("No"))],
            widget=forms.RadioSelect,
            error_messages=required,
            **common,
        )
    if question.kind == Kind.NUMBER:
        return forms.IntegerField(
            min_value=0,
            error_messages={
                **required,
                "invalid": _("Scrivi un numero intero."),
                "min_value": _("Il numero non può essere negativo."),
            },
            **common,
        )
    if question.kind == Kind.CHOICE:
        return forms.ChoiceField(
            choices=[("", _("Scegli")), *((o, o) for o in question.option_list())],
            error_messages={**required, "invalid_choice": _("Scegli una delle opzioni.")},
            **common,
        )
    return forms.CharField(max_length=500, error_messages=required, **common)


class ReferralTransitionForm(forms.Form):
    to_status = forms.ChoiceField(choices=Referral.Status.choices)
    notes = forms.CharField(required=False, max_length=5000)


class ReferralFilterForm(forms.Form):
    """Lays out the fields of ReferralFilter. It submits with GET, so a filtered list is
    a link that can be shared."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "filter-form mb-3"
        self.helper.attrs = {"role": "search", "aria-label": gettext("Filtra le segnalazioni")}
        self.helper.layout = Layout(
            Row(
                Column("status", css_class="col-md-3"),
                Column("project", css_class="col-md-4"),
                Column("urgency", css_class="col-md-3"),
                Column(
                    HTML(
                        format_html(
                            '<button type="submit" class="btn btn-primary">{}</button>'
                            '<a class="btn btn-outline-secondary" href="?">{}</a>',
                            gettext("Filtra"),
                            gettext("Azzera"),
                        )
                    ),
                    css_class="col-md-2 d-flex gap-2 align-items-start filter-actions",
                ),
            )
        )


def _filter_projects(request):
    # The projects the user's organisations take part in: those their referrals go to.
    if request is None:
        return Project.objects.none()
    return Project.objects.filter(
        participations__organisation_id__in=access_for(request.user).organisation_ids()
    ).distinct()


class ReferralFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Stato"), choices=Referral.Status.choices, empty_label=_("Tutti gli stati")
    )
    project = django_filters.ModelChoiceFilter(
        label=_("Progetto"), queryset=_filter_projects, empty_label=_("Tutti i progetti")
    )
    urgency = django_filters.ChoiceFilter(
        label=_("Urgenza"), choices=Referral.Urgency.choices, empty_label=_("Tutte")
    )

    class Meta:
        model = Referral
        fields = ["status", "project", "urgency"]
        form = ReferralFilterForm
