"""`{% form_error_summary as error_summary %}`: every error of the forms a page shows.

After a refused form the page must say so before anything else (WCAG 2.1 3.3.1, 2.4.3):
`templates/base.html` puts "Errore:" in front of the page title and an error summary,
which receives the focus (static/js/form-errors.js), at the top of the main content,
each entry linking to its field. The tag finds the bound forms and formsets in the
page's context, so no view has to remember it."""

from django import forms, template
from django.forms.formsets import BaseFormSet

register = template.Library()


def _forms_of(value):
    if isinstance(value, forms.BaseForm):
        yield value
    elif isinstance(value, BaseFormSet) and value.is_bound:
        yield from value.forms
        if value.non_form_errors():
            yield value.management_form


def _entries(form):
    if not form.is_bound or not form.errors:
        return
    for name, errors in form.errors.items():
        if name == forms.forms.NON_FIELD_ERRORS or name not in form.fields:
            for message in errors:
                yield {"label": "", "message": message, "anchor": ""}
            continue
        field = form[name]
        if field.is_hidden:
            for message in errors:
                yield {"label": "", "message": message, "anchor": ""}
            continue
        yield {"label": field.label, "message": errors[0], "anchor": field.auto_id or ""}


@register.simple_tag(takes_context=True)
def form_error_summary(context) -> list[dict]:
    seen, entries = set(), []
    for value in context.flatten().values():
        for form in _forms_of(value):
            if id(form) in seen:
                continue
            seen.add(id(form))
            entries.extend(_entries(form))
    return entries
