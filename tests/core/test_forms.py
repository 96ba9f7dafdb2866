"""The shared form pieces of core/forms.py."""

import datetime

from django import forms
from django.core.exceptions import ValidationError

from core.forms import DateInput, errors_to_form


class PersonForm(forms.Form):
    name = forms.CharField()


class HouseholdForm(forms.Form):
    address = forms.CharField()


def _bound(form_class, **data):
    form = form_class(data=data)
    assert form.is_valid()
    return form


def test_each_error_goes_to_the_form_that_has_its_field():
    person, household = _bound(PersonForm, name="Anna"), _bound(HouseholdForm, address="Via")
    error = ValidationError(
        {"name": "Nome sbagliato.", "address": "Indirizzo sbagliato.", "other": "Altro."}
    )
    errors_to_form(person, error, household)
    assert person.errors["name"] == ["Nome sbagliato."]
    assert household.errors["address"] == ["Indirizzo sbagliato."]
    # A field no form has: at the top of the first form.
    assert person.non_field_errors() == ["Altro."]
    assert household.non_field_errors() == []


def test_an_error_without_field_goes_to_the_top_of_the_first_form():
    person, household = _bound(PersonForm, name="Anna"), _bound(HouseholdForm, address="Via")
    errors_to_form(person, ValidationError("Non si può."), household)
    assert person.non_field_errors() == ["Non si può."]
    assert not household.errors


def test_the_date_widget_is_the_browsers_and_sends_iso_dates():
    html = DateInput().render("day", datetime.date(2026, 3, 1))
    assert 'type="date"' in html and 'value="2026-03-01"' in html
