"""Forms of appointments. They check the shape of what is typed (a date and a time make
the start, in the network's time zone); the rules live in
beneficiaries.services.appointments. Every choice is filled by the view from the scoped
selectors."""

from __future__ import annotations

import datetime

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from beneficiaries.forms.pathway import HouseholdChoiceField
from beneficiaries.models import Appointment
from core.forms import NOTE_MAX_LENGTH, DateInput


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class StaffChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name


class AppointmentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Tipo"),
        choices=[("", _("Scegli il tipo")), *Appointment.Kind.choices],
        error_messages={"required": _("Scegli il tipo di appuntamento.")},
    )
    day = forms.DateField(
        label=_("Data"),
        widget=DateInput(),
        error_messages={"required": _("Indica la data."), "invalid": _("Data non valida.")},
    )
    time = forms.TimeField(
        label=_("Ora di inizio"),
        widget=TimeInput(),
        error_messages={"required": _("Indica l'ora di inizio."), "invalid": _("Ora non valida.")},
    )
    duration_minutes = forms.IntegerField(
        label=_("Durata (minuti)"),
        min_value=1,
        max_value=24 * 60,
        error_messages={
            "required": _("Indica la durata in minuti."),
            "invalid": _("Indica la durata in minuti."),
            "min_value": _("La durata va da 1 minuto a 24 ore."),
            "max_value": _("La durata va da 1 minuto a 24 ore."),
        },
    )
    place = forms.ChoiceField(
        label=_("Luogo"),
        choices=Appointment.Place.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Scegli dove si svolge.")},
    )
    room = forms.ModelChoiceField(
        label=_("Stanza"),
        queryset=None,
        required=False,
        empty_label=_("Nessuna stanza"),
        help_text=_("Solo in sede."),
        error_messages={"invalid_choice": _("Scegli una stanza dell'elenco.")},
    )
    place_details = forms.CharField(
        label=_("Dove (fuori sede)"),
        max_length=200,
        required=False,
        help_text=_("Per esempio: Questura di Monza, Ufficio immigrazione."),
    )
    staff = StaffChoiceField(
        label=_("Operatori coinvolti"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Indica almeno un operatore coinvolto."),
            "invalid_choice": _("Puoi coinvolgere solo operatori che seguono la presa in carico."),
        },
    )
    members = MemberChoiceField(
        label=_("Componenti del nucleo attesi"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    households = HouseholdChoiceField(
        label=_("Altri nuclei che partecipano"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Solo per attività di gruppo."),
    )
    interpreter_needed = forms.BooleanField(
        label=_("Serve un interprete o un mediatore culturale"), required=False
    )
    interpreter_language = forms.CharField(
        label=_("Lingua dell'interprete"), max_length=80, required=False
    )
    interpreter_booked = forms.BooleanField(
        label=_("Interprete o mediatore prenotato"), required=False
    )
    interpreter_name = forms.CharField(
        label=_("Interprete o mediatore (nome o ente)"), max_length=150, required=False
    )
    notes = forms.CharField(
        label=_("Note per gli operatori"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Solo per il personale: il nucleo non le vede."),
    )
    confirm_conflicts = forms.BooleanField(
        label=_("Salva comunque: so che l'operatore ha un altro impegno nello stesso orario"),
        required=False,
    )

    def __init__(self, *args, staff, rooms, members, households, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff
        self.fields["room"].queryset = rooms
        self.fields["room"].label_from_instance = lambda room: room.name
        self.fields["members"].queryset = members
        self.fields["households"].queryset = households
        self.helper = _helper()

    def clean(self):
        data = super().clean()
        day, time = data.get("day"), data.get("time")
        data["starts_at"] = None
        if day and time:
            try:
                data["starts_at"] = timezone.make_aware(datetime.datetime.combine(day, time))
            except (ValueError, OverflowError):
                self.add_error("time", gettext("Ora non valida in quel giorno (cambio dell'ora)."))
        return data

    @classmethod
    def initial_from(cls, appointment: Appointment) -> dict:
        local = timezone.localtime(appointment.starts_at)
        return {
            "kind": appointment.kind,
            "day": local.date(),
            "time": local.time().replace(second=0, microsecond=0),
            "duration_minutes": appointment.duration_minutes,
            "place": appointment.place,
            "room": appointment.room_id,
            "place_details": appointment.place_details,
            "staff": list(appointment.staff.all()),
            "members": list(appointment.members.all()),
            "households": list(appointment.households.all()),
            "interpreter_needed": appointment.interpreter_needed,
            "interpreter_language": appointment.interpreter_language,
            "interpreter_booked": appointment.interpreter_booked,
            "interpreter_name": appointment.interpreter_name,
            "notes": appointment.notes,
        }

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "starts_at": data["starts_at"],
            "duration_minutes": data["duration_minutes"],
            "place": data["place"],
            "room": data.get("room"),
            "place_details": data.get("place_details") or "",
            "staff": list(data["staff"]),
            "members": list(data.get("members") or ()),
            "households": list(data.get("households") or ()),
            "interpreter_needed": data.get("interpreter_needed") or False,
            "interpreter_language": data.get("interpreter_language") or "",
            "interpreter_booked": data.get("interpreter_booked") or False,
            "interpreter_name": data.get("interpreter_name") or "",
            "notes": data.get("notes") or "",
        }


YES_NO = [("yes", _("Sì")), ("no", _("No"))]


class OutcomeForm(forms.Form):
    held = forms.TypedChoiceField(
        label=_("Si è svolto?"),
        choices=[("yes", _("Sì, si è svolto")), ("no", _("No, non si è svolto"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Indica se l'appuntamento si è svolto.")},
    )
    not_held_reason = forms.ChoiceField(
        label=_("Perché non si è svolto"),
        choices=[("", _("— scegli —")), *Appointment.NotHeldReason.choices],
        required=False,
    )
    interpreter_used = forms.TypedChoiceField(
        label=_("L'interprete o il mediatore c'era?"),
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        empty_value=None,
        widget=forms.RadioSelect,
        required=False,
    )
    duration_minutes = forms.IntegerField(
        label=_("Durata effettiva (minuti)"),
        min_value=1,
        max_value=24 * 60,
        error_messages={
            "required": _("Indica la durata in minuti."),
            "min_value": _("La durata va da 1 minuto a 24 ore."),
            "max_value": _("La durata va da 1 minuto a 24 ore."),
        },
    )
    text = forms.CharField(
        label=_("Resoconto per il diario"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    is_confidential = forms.BooleanField(
        label=_("Nota riservata"),
        required=False,
        help_text=_("La leggerà solo il personale del tuo ente."),
    )

    def __init__(self, *args, appointment: Appointment, **kwargs):
        super().__init__(*args, **kwargs)
        if not appointment.interpreter_needed:
            del self.fields["interpreter_used"]
        self.helper = _helper()


class CalendarSettingsForm(forms.Form):
    include_names = forms.BooleanField(
        label=_("Mostra nel calendario il nome del nucleo e il luogo fuori sede"),
        required=False,
        help_text=_(
            "Senza, il calendario dice solo il tipo di appuntamento e un riferimento della "
            "presa in carico: chi vedesse il tuo telefono non leggerebbe nomi."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
