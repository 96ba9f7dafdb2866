"""The ETHOS Light choice of the intake, case and exit forms: each category with its
definition beside it (beneficiaries.models.ethos), in the reader's language."""

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import ETHOS_DEFINITIONS, EthosLight


def ethos_choices() -> list[tuple[str, str]]:
    """The categories as radio labels: the name, and under it the definition. Called when
    a form is built, so both are in the request's language."""
    return [
        (
            value,
            format_html(
                '<span class="fw-semibold">{}</span>'
                '<span class="d-block small text-body-secondary">{}</span>',
                label,
                ETHOS_DEFINITIONS[value],
            ),
        )
        for value, label in EthosLight.choices
    ]


def ethos_field(label) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=ethos_choices,
        widget=forms.RadioSelect,
        help_text=_(
            "La categoria ETHOS Light (FEANTSA) in cui si trova il nucleo: serve a "
            "misurare come cambia la sua situazione abitativa dall'ingresso all'uscita e "
            "ai follow-up. Facoltativa."
        ),
        error_messages={"invalid_choice": _("Scegli una delle categorie ETHOS Light.")},
    )
