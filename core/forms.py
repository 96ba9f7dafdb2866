"""Pieces every form of the apps shares: the date widget, the label of an empty choice,
how a service's ValidationError lands on a form, and how a form and its service's rules
are checked together so that the user reads every error in one answer."""

from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

# Django 6.1's "- Select an option -" has no Italian translation yet.
BLANK_LABEL = _("— scegli —")

# Longest free text a form takes (the text fields of the models have no limit of their
# own): a diary entry, other notes and outcomes, a reason given in a few sentences.
NOTE_MAX_LENGTH = 10_000
TEXT_MAX_LENGTH = 5_000
REASON_MAX_LENGTH = 2_000


def limit_length(field: forms.CharField, max_length: int) -> None:
    """Give a form field built from a model's TextField a maximum length, as if it had
    been declared with `max_length` (the validator and the `maxlength` attribute)."""
    field.max_length = max_length
    field.validators.append(MaxLengthValidator(max_length))
    field.widget.attrs["maxlength"] = str(max_length)


class DateInput(forms.DateInput):
    """The browser's own date picker; the value travels as YYYY-MM-DD."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def errors_to_form(form: forms.Form, error: ValidationError, *more_forms: forms.Form) -> None:
    """Put a service's ValidationError on the form that has the field it names (`form`
    first, then `more_forms` in order), or at the top of `form` when none has it."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    forms_ = (form, *more_forms)
    for name, errors in error.error_dict.items():
        target = next((f for f in forms_ if name in f.fields), None)
        field = name if target is not None else None
        target = target or form
        # The form may have said it already (a required field the service checks too).
        shown = set(target.errors.get(field or forms.forms.NON_FIELD_ERRORS, []))
        fresh = [e for e in errors if not set(e.messages) <= shown]
        if fresh:
            target.add_error(field, fresh)


def is_valid_with_rules(form: forms.Form, check: Callable[[dict], None]) -> bool:
    """Validate the form and its service's rules in one go, every error of both on the
    form: `check` gets the form's data (None for a field that did not pass the form) and
    raises the service's ValidationError, as the service itself would on those values.
    A user who typed two wrong things reads both at once, not one per submit."""
    valid = form.is_valid()
    data = {name: form.cleaned_data.get(name) for name in form.fields}
    try:
        check(data)
    except ValidationError as error:
        errors_to_form(form, error)
        return False
    return valid
