"""The shared form pieces of core/forms.py."""

import datetime

from django import forms
from django.core.exceptions import ValidationError

from core.forms import DateInput, errors_to_form, is_valid_with_rules


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


class StayForm(forms.Form):
    start = forms.DateField()
    name = forms.CharField()


def _start_not_in_2020(data):
    if data["start"] and data["start"].year == 2020:
        raise ValidationError({"start": "Non nel 2020.", "name": "Scrivi il nome."})


def test_the_rules_run_even_when_a_field_fails_the_form():
    form = StayForm(data={"start": "2020-05-01", "name": ""})
    assert is_valid_with_rules(form, _start_not_in_2020) is False
    assert form.errors["start"] == ["Non nel 2020."]
    # The form's own "required" and the service's message: both.
    assert list(form.errors["name"])[1:] == ["Scrivi il nome."]


def test_the_rules_get_none_for_a_field_the_form_refused():
    seen = {}
    form = StayForm(data={"start": "not a date", "name": "Anna"})
    assert is_valid_with_rules(form, seen.update) is False
    assert seen == {"start": None, "name": "Anna"}


def test_a_message_the_form_already_shows_is_not_repeated():
    form = StayForm(data={"start": "2020-01-01", "name": ""})
    form.fields["name"].error_messages["required"] = "Scrivi il nome."
    assert is_valid_with_rules(form, _start_not_in_2020) is False
    assert form.errors["name"] == ["Scrivi il nome."]
    assert form.errors["start"] == ["Non nel 2020."]


def test_valid_form_and_rules_pass():
    form = StayForm(data={"start": "2021-01-01", "name": "Anna"})
    assert is_valid_with_rules(form, _start_not_in_2020) is True
