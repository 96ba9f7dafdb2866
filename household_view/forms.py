from django import forms
from django.utils.translation import gettext_lazy as _

from beneficiaries import autonomy

from .models import LANGUAGES


class IssueForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("Componente maggiorenne"),
        queryset=None,
        empty_label=_("Scegli il componente"),
        error_messages={
            "required": _("Scegli il componente a cui dare l'accesso."),
            "invalid_choice": _("Scegli uno dei componenti proposti."),
        },
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = members


class PinSetForm(forms.Form):
    pin = forms.CharField(
        label=_("Scegli un PIN (da 4 a 6 cifre)"),
        min_length=4,
        max_length=6,
        widget=forms.PasswordInput(
            attrs={"inputmode": "numeric", "autocomplete": "new-password", "pattern": "[0-9]*"}
        ),
        error_messages={
            "required": _("Scrivi il PIN."),
            "min_length": _("Il PIN ha da 4 a 6 cifre."),
            "max_length": _("Il PIN ha da 4 a 6 cifre."),
        },
    )
    pin_again = forms.CharField(
        label=_("Scrivi di nuovo il PIN"),
        max_length=6,
        widget=forms.PasswordInput(
            attrs={"inputmode": "numeric", "autocomplete": "new-password", "pattern": "[0-9]*"}
        ),
        error_messages={"required": _("Scrivi di nuovo il PIN.")},
    )


class PinLoginForm(forms.Form):
    pin = forms.CharField(
        label=_("Il tuo PIN"),
        max_length=6,
        widget=forms.PasswordInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "current-password",
                "pattern": "[0-9]*",
            }
        ),
        error_messages={"required": _("Scrivi il PIN.")},
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Lingua"), choices=LANGUAGES)


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Il tuo messaggio"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": _("Scrivi il messaggio."),
            "max_length": _("Il messaggio è troppo lungo: al massimo 1000 lettere."),
        },
    )


class SelfAssessmentForm(forms.Form):
    """One question per domain of the scale, five answers (the level names); every
    question may be left out."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for domain in autonomy.DOMAINS:
            self.fields[domain.value] = forms.TypedChoiceField(
                label=domain.label,
                choices=[(v, autonomy.LEVEL_NAMES[v]) for v in autonomy.LEVELS],
                coerce=int,
                required=False,
                widget=forms.RadioSelect,
            )

    def levels(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
