"""Forms of households, people and consent. They check the shape of what is typed and
give a clear Italian message; the services enforce the rules and save."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import SPECIAL_CATEGORY_KINDS, Consent, Household, Person, Vulnerability
from core.forms import BLANK_LABEL, TEXT_MAX_LENGTH, DateInput, limit_length
from core.validators import EARLIEST_BIRTH_DATE, normalise_code


def _label_blank_choices(form) -> None:
    for form_field in form.fields.values():
        if isinstance(form_field, forms.ModelChoiceField):
            if form_field.empty_label is not None:
                form_field.empty_label = BLANK_LABEL
        elif isinstance(form_field, forms.ChoiceField) and not isinstance(
            form_field, forms.MultipleChoiceField
        ):
            choices = list(form_field.choices)
            if choices and choices[0][0] == "":
                form_field.choices = [("", BLANK_LABEL), *choices[1:]]


def _no_tag_helper(*layout) -> FormHelper:
    # Pages put one <form> around one or more of these forms (and the buttons).
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    if layout:
        helper.layout = Layout(*layout)
    return helper


class HouseholdForm(forms.ModelForm):
    vulnerabilities = forms.MultipleChoiceField(
        label=_("Vulnerabilità"),
        choices=Vulnerability.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Household
        fields = [
            "registered_by",
            "living_situation",
            "current_address",
            "isee_value",
            "isee_issued_on",
            "isee_expires_on",
            "inclusion_benefit",
            "inclusion_pact_signed_on",
            "inclusion_benefit_ends_on",
            "inclusion_last_check_in_on",
            "notes",
        ]
        widgets = {
            "isee_issued_on": DateInput(),
            "isee_expires_on": DateInput(),
            "inclusion_pact_signed_on": DateInput(),
            "inclusion_benefit_ends_on": DateInput(),
            "inclusion_last_check_in_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, organisations=None, special_categories=False, **kwargs):
        """`organisations`: those the user may register a household for (create only);
        without it the registering organisation is not asked (update).
        `special_categories`: whether the user may read and record health, disability
        and domestic violence (core.access.Access.may_read_special);
        without it those choices are not offered, and not shown as ticked."""
        super().__init__(*args, **kwargs)
        _label_blank_choices(self)
        if not special_categories:
            self.fields["vulnerabilities"].choices = [
                choice
                for choice in self.fields["vulnerabilities"].choices
                if choice[0] not in SPECIAL_CATEGORY_KINDS
            ]
            self.fields["vulnerabilities"].help_text = _(
                "Salute, disabilità e violenza domestica sono dati particolari: li "
                "registrano e li vedono solo gli operatori e i coordinatori che seguono il "
                "caso."
            )
        self.only_organisation = None
        if organisations is not None and len(organisations) == 1:
            # Nothing to choose: the page just says which organisation registers it.
            self.only_organisation = organisations[0]
        if organisations is None or self.only_organisation:
            del self.fields["registered_by"]
        else:
            self.fields["registered_by"].queryset = organisations
            self.fields["registered_by"].empty_label = None
        if self.instance.pk:
            offered = {choice[0] for choice in self.fields["vulnerabilities"].choices}
            self.initial.setdefault(
                "vulnerabilities",
                [v.kind for v in self.instance.vulnerabilities.all() if v.kind in offered],
            )
        self.fields["isee_value"].widget.attrs.update({"min": "0", "step": "0.01"})
        limit_length(self.fields["notes"], TEXT_MAX_LENGTH)
        self.helper = _no_tag_helper(
            Fieldset(
                gettext("Nucleo familiare"),
                "registered_by",
                Row(
                    Column("living_situation", css_class="col-md-6"),
                    Column("current_address", css_class="col-md-6"),
                ),
                Row(
                    Column("isee_value", css_class="col-md-4"),
                    Column("isee_issued_on", css_class="col-md-4"),
                    Column("isee_expires_on", css_class="col-md-4"),
                ),
                "inclusion_benefit",
                Row(
                    Column("inclusion_pact_signed_on", css_class="col-md-4"),
                    Column("inclusion_benefit_ends_on", css_class="col-md-4"),
                    Column("inclusion_last_check_in_on", css_class="col-md-4"),
                ),
                "vulnerabilities",
                "notes",
            )
        )
        if "registered_by" not in self.fields:
            self.helper.layout[0].fields.remove("registered_by")

    def clean_isee_value(self):
        value = self.cleaned_data.get("isee_value")
        if value is not None and value < 0:
            raise forms.ValidationError(_("Il valore ISEE non può essere negativo."))
        return value

    def clean(self):
        cleaned = super().clean()
        if self.only_organisation:
            cleaned["registered_by"] = self.only_organisation
        issued, expires = cleaned.get("isee_issued_on"), cleaned.get("isee_expires_on")
        if issued and expires and expires < issued:
            self.add_error(
                "isee_expires_on",
                _("La scadenza dell'ISEE non può precedere la data di rilascio."),
            )
        if issued and issued > timezone.localdate():
            self.add_error("isee_issued_on", _("La data di rilascio non può essere nel futuro."))
        return cleaned

    def household_fields(self) -> dict:
        """What the services take, from a valid form."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in {"registered_by", "vulnerabilities"}
        }


class PersonForm(forms.ModelForm):
    """A member of a household. For the reference person of a new household the
    relationship is not asked: it is the reference."""

    class Meta:
        model = Person
        fields = [
            "relationship",
            "first_name",
            "last_name",
            "birth_date",
            "sex",
            "codice_fiscale",
            "citizenship",
            "languages",
            "residence_permit_kind",
            "residence_permit_issued_on",
            "residence_permit_expires_on",
            "phone",
            "email",
        ]
        widgets = {
            "birth_date": DateInput(),
            "residence_permit_issued_on": DateInput(),
            "residence_permit_expires_on": DateInput(),
        }

    def __init__(self, *args, reference=False, household=None, defer_code_unique=False, **kwargs):
        super().__init__(*args, **kwargs)
        # Registrations check the codice fiscale's uniqueness only after the counted
        # duplicate look-up (views.households._duplicates): it tells whether a person is
        # in the network too.
        self.defer_code_unique = defer_code_unique
        _label_blank_choices(self)
        if reference:
            del self.fields["relationship"]
        elif household is not None and self._reference_taken(household):
            # A household has one reference person; offer only the other relationships.
            self.fields["relationship"].choices = [
                choice
                for choice in self.fields["relationship"].choices
                if choice[0] != Person.Relationship.REFERENCE
            ]
        self.fields["codice_fiscale"].widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false", "style": "text-transform: uppercase"}
        )
        self.fields["birth_date"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.fields["birth_date"].widget.attrs["min"] = EARLIEST_BIRTH_DATE.isoformat()
        self.fields["phone"].widget.attrs.update({"type": "tel", "autocomplete": "tel"})
        self.helper = _no_tag_helper(
            *(["relationship"] if not reference else []),
            Row(
                Column("first_name", css_class="col-md-6"),
                Column("last_name", css_class="col-md-6"),
            ),
            Row(
                Column("birth_date", css_class="col-md-4"),
                Column("sex", css_class="col-md-4"),
                Column("codice_fiscale", css_class="col-md-4"),
            ),
            Row(
                Column("citizenship", css_class="col-md-6"),
                Column("languages", css_class="col-md-6"),
            ),
            Row(
                Column("residence_permit_kind", css_class="col-md-4"),
                Column("residence_permit_issued_on", css_class="col-md-4"),
                Column("residence_permit_expires_on", css_class="col-md-4"),
            ),
            Row(
                Column("phone", css_class="col-md-6"),
                Column("email", css_class="col-md-6"),
            ),
        )

    def _reference_taken(self, household) -> bool:
        reference = household.reference_person
        return reference is not None and reference.pk != self.instance.pk

    def clean_codice_fiscale(self):
        return normalise_code(self.cleaned_data.get("codice_fiscale", ""))

    def clean_birth_date(self):
        value = self.cleaned_data.get("birth_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("La data di nascita non può essere nel futuro."))
        return value

    def clean(self):
        cleaned = super().clean()
        issued = cleaned.get("residence_permit_issued_on")
        expires = cleaned.get("residence_permit_expires_on")
        if issued and expires and expires < issued:
            self.add_error(
                "residence_permit_expires_on",
                _("La scadenza del permesso non può precedere la data di rilascio."),
            )
        return cleaned

    def validate_constraints(self):
        exclude = self._get_validation_exclusions()
        if self.defer_code_unique:
            exclude.add("codice_fiscale")
        try:
            self.instance.validate_constraints(exclude=exclude)
        except ValidationError as exc:
            self._update_errors(exc)

    def validate_code_unique(self) -> None:
        """The check `defer_code_unique` left out: is the codice fiscale already in the
        network? Adds the error to the form."""
        others = {f.name for f in self.instance._meta.get_fields()} - {"codice_fiscale"}
        try:
            self.instance.validate_constraints(exclude=others)
        except ValidationError as exc:
            self._update_errors(exc)

    def duplicate_query(self) -> dict:
        """What to look for among the people already in the network, read from what was
        typed even when the form is not (yet) valid."""
        data = {"codice_fiscale": "", "first_name": "", "last_name": "", "birth_date": None}
        for name in ("codice_fiscale", "first_name", "last_name"):
            data[name] = (self.data.get(self.add_prefix(name)) or "").strip()[:100]
        data["codice_fiscale"] = normalise_code(data["codice_fiscale"])
        try:
            data["birth_date"] = self.fields["birth_date"].clean(
                self.data.get(self.add_prefix("birth_date"))
            )
        except forms.ValidationError:
            data["birth_date"] = None
        return data


class ConsentForm(forms.ModelForm):
    class Meta:
        model = Consent
        fields = [
            "purpose",
            "legal_basis",
            "given_by",
            "guardian_name",
            "organisations",
            "given_on",
            "expires_on",
        ]
        widgets = {
            "given_on": DateInput(),
            "expires_on": DateInput(),
            "organisations": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "given_by": _(
                "Chi ha firmato il consenso, se la base giuridica è il consenso: un "
                "componente maggiorenne del nucleo."
            ),
            "organisations": _("Gli enti che possono trattare i dati per questa finalità."),
        }

    def __init__(self, *args, household, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        _label_blank_choices(self)
        self.fields["given_by"].queryset = household.members.order_by("birth_date")
        self.fields["organisations"].queryset = organisations
        self.fields["given_on"].initial = timezone.localdate()
        self.helper = _no_tag_helper(
            Row(
                Column("purpose", css_class="col-md-6"),
                Column("legal_basis", css_class="col-md-6"),
            ),
            Row(
                Column("given_by", css_class="col-md-6"),
                Column("guardian_name", css_class="col-md-6"),
            ),
            Row(
                Column("given_on", css_class="col-md-6"),
                Column("expires_on", css_class="col-md-6"),
            ),
            "organisations",
        )

    def clean(self):
        cleaned = super().clean()
        given, expires = cleaned.get("given_on"), cleaned.get("expires_on")
        if given and given > timezone.localdate():
            self.add_error("given_on", _("La data di inizio non può essere nel futuro."))
        if given and expires and expires < given:
            self.add_error("expires_on", _("La scadenza non può precedere la data di inizio."))
        if (
            cleaned.get("legal_basis") == Consent.LegalBasis.CONSENT
            and not cleaned.get("given_by")
            and not (cleaned.get("guardian_name") or "").strip()
            and "given_by" not in self.errors
        ):
            self.add_error(
                "given_by",
                _(
                    "Indica chi ha espresso il consenso: un componente maggiorenne del nucleo "
                    "o il tutore legale."
                ),
            )
        person = cleaned.get("given_by")
        if person is not None and given and person.is_minor(given):
            self.add_error(
                "given_by",
                _(
                    "%(name)s è minorenne e non può firmare il consenso: indica un componente "
                    "maggiorenne del nucleo o scrivi il nome del tutore legale."
                )
                % {"name": person.full_name},
            )
        return cleaned


class ConsentWithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("Revocato il"), widget=DateInput())

    def __init__(self, *args, consent, **kwargs):
        super().__init__(*args, **kwargs)
        self.consent = consent
        self.fields["withdrawn_on"].initial = timezone.localdate()

    def clean_withdrawn_on(self):
        value = self.cleaned_data["withdrawn_on"]
        if self.consent.withdrawn_on is not None:
            raise forms.ValidationError(_("Il consenso è già stato revocato."))
        if value > timezone.localdate():
            raise forms.ValidationError(_("La data di revoca non può essere nel futuro."))
        if value < self.consent.given_on:
            raise forms.ValidationError(
                _("La revoca non può precedere la data di inizio del consenso.")
            )
        return value
