"""Forms of the second factor: a code typed at setup or login, and the password asked
again before turning two-factor authentication off or making new recovery codes."""

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Codice di verifica"),
        max_length=40,
        help_text=_(
            "Le 6 cifre che l'app di autenticazione mostra ora, oppure uno dei codici di recupero."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "off",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )

    def __init__(self, *args, setup=False, activation=False, **kwargs):
        super().__init__(*args, **kwargs)
        if activation:
            # First in the form: the code the admin handed over, out of band.
            self.fields = {
                "activation_code": forms.CharField(
                    label=_("Codice di attivazione"),
                    max_length=40,
                    help_text=_(
                        "Il codice che l'amministratore ti ha dato di persona o per "
                        "telefono (16 caratteri). Vale una volta sola."
                    ),
                    widget=forms.TextInput(
                        attrs={
                            "autocomplete": "off",
                            "autocapitalize": "off",
                            "spellcheck": "false",
                        }
                    ),
                ),
                **self.fields,
            }
            self.fields["code"].widget.attrs.pop("autofocus", None)
            self.fields["activation_code"].widget.attrs["autofocus"] = True
        if setup:
            self.fields["code"].help_text = _(
                "Le 6 cifre che l'app mostra ora, per provare che l'hai configurata bene."
            )
            self.fields["code"].widget.attrs["inputmode"] = "numeric"


class PasswordConfirmForm(forms.Form):
    """The password again: whoever finds a session left open must not change how its
    owner logs in."""

    password = forms.CharField(
        label=_("La tua password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("La password non è corretta."))
        return password
