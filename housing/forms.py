"""Forms of housing: they check the shape of the input; the rules live in services."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.db.models import Prefetch, Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.forms.pathway import CaseCloseForm as CaseSideCloseForm
from beneficiaries.models import ExitDestination
from beneficiaries.services import cases as cases_services
from core.forms import (
    BLANK_LABEL,
    REASON_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    DateInput,
    limit_length,
)
from partners.models import StaffMembership
from users.models import User

from . import services
from .models import HousingUnit, Payment, Placement, PlacementRenewal


def _helper(submit_label) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.add_input(Submit("submit", submit_label))
    return helper


class _PlannedEndMixin:
    def _planned_end_help(self, unit, start):
        default = services.default_planned_end(unit=unit, start_date=start)
        if default is None:
            return _("Il progetto non ha una permanenza massima: indica una data se serve.")
        return _(
            "Lascia vuoto per la permanenza massima del progetto (%(months)d mesi: per un "
            "ingresso oggi, fino al %(day)s). Una data diversa richiede un motivo."
        ) % {
            "months": unit.project.max_stay_months,
            "day": formats.date_format(default, "SHORT_DATE_FORMAT"),
        }


class PlacementForm(_PlannedEndMixin, forms.Form):
    """Placing a household from the waiting list into a unit."""

    members = forms.ModelMultipleChoiceField(
        label=_("Persone che entrano"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Scegli almeno una persona da inserire.")},
    )
    start_date = forms.DateField(label=_("Data di ingresso"), widget=DateInput())
    planned_end_date = forms.DateField(label=_("Fine prevista"), required=False, widget=DateInput())
    planned_end_reason = forms.CharField(
        max_length=REASON_MAX_LENGTH,
        label=_("Motivo della fine prevista diversa"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    agreement_signed_on = forms.DateField(
        label=_("Patto di accoglienza firmato il"), required=False, widget=DateInput()
    )
    monthly_contribution = forms.DecimalField(
        label=_("Quota di compartecipazione mensile (€)"),
        min_value=0,
        max_digits=8,
        decimal_places=2,
        initial=0,
        error_messages={"min_value": _("La quota di compartecipazione non può essere negativa.")},
    )
    out_of_order_reason = forms.CharField(
        label=_("Motivo dell'inserimento fuori ordine"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Obbligatorio se il nucleo non è il primo compatibile della lista d'attesa: "
            "resta nella storia dell'inserimento e si conta nel cruscotto."
        ),
    )
    holding_organisation = forms.ModelChoiceField(
        label=_("Ente titolare della presa in carico"),
        queryset=None,
        help_text=_("Il nucleo non ha ancora una presa in carico: si apre con l'inserimento."),
    )
    workers = forms.ModelMultipleChoiceField(
        label=_("Operatori assegnati"),
        queryset=None,
        required=False,
        help_text=_("Devono lavorare per l'ente titolare."),
    )

    def __init__(
        self, *args, unit: HousingUnit, household, needs_case: bool, out_of_order=False, **kwargs
    ):
        super().__init__(*args, **kwargs)
        if not out_of_order:
            del self.fields["out_of_order_reason"]
        self.fields["members"].queryset = household.members.order_by("birth_date")
        self.fields["members"].initial = list(household.members.all())
        self.fields["start_date"].initial = timezone.localdate()
        self.fields["planned_end_date"].help_text = self._planned_end_help(
            unit, timezone.localdate()
        )
        if needs_case:
            organisations = cases_services.case_holding_organisations(project=unit.project)
            self.fields["holding_organisation"].queryset = organisations.order_by("name")
            self.fields["holding_organisation"].empty_label = BLANK_LABEL
            casework = Q(
                organisation__in=organisations,
                role__in=[StaffMembership.Role.SOCIAL_WORKER, StaffMembership.Role.COORDINATOR],
                is_active=True,
            )
            self.fields["workers"].queryset = (
                User.objects.filter(
                    is_active=True, staff_memberships__in=StaffMembership.objects.filter(casework)
                )
                .prefetch_related(
                    Prefetch(
                        "staff_memberships",
                        queryset=StaffMembership.objects.filter(casework).select_related(
                            "organisation"
                        ),
                        to_attr="casework_memberships",
                    )
                )
                .distinct()
                .order_by("last_name", "first_name")
            )
            # Who works where, so the coordinator picks workers of the holding organisation.
            self.fields["workers"].label_from_instance = lambda user: "{} · {}".format(
                user,
                ", ".join(sorted({m.organisation.display_name for m in user.casework_memberships})),
            )
        else:
            del self.fields["holding_organisation"]
            del self.fields["workers"]
        self.helper = _helper(_("Conferma l'inserimento"))


class PlacementEndForm(forms.Form):
    """The exit (dimissione) from a unit."""

    end_date = forms.DateField(
        label=_("Data di uscita"),
        widget=DateInput(),
        help_text=_("L'ultima notte nell'alloggio."),
    )
    exit_reason = forms.ChoiceField(
        label=_("Motivo dell'uscita"),
        choices=[("", BLANK_LABEL)]
        + [c for c in Placement.ExitReason.choices if c[0] != Placement.ExitReason.MOVED],
    )
    destination = forms.ChoiceField(
        label=_("Destinazione"), choices=[("", BLANK_LABEL), *ExitDestination.choices]
    )
    exit_notes = forms.CharField(
        label=_("Note sull'uscita"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX_LENGTH,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end_date"].initial = timezone.localdate()
        self.helper = _helper(_("Registra l'uscita"))


class PlacementRenewalForm(forms.Form):
    """The decision on a renewal (proroga) of a temporary-housing placement."""

    months = forms.IntegerField(
        label=_("Mesi di proroga"),
        min_value=1,
        max_value=60,
        error_messages={"min_value": _("Una proroga dura almeno un mese.")},
    )
    decision = forms.ChoiceField(
        label=_("Decisione"),
        choices=PlacementRenewal.Decision.choices,
        widget=forms.RadioSelect,
    )
    decided_on = forms.DateField(label=_("Decisa il"), widget=DateInput())
    reason = forms.CharField(
        label=_("Motivazione"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX_LENGTH,
        help_text=_("Perché la proroga è concessa o no: la legge l'équipe e l'Ambito."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].initial = timezone.localdate()
        self.helper = _helper(_("Registra la decisione"))


class PlacementMoveForm(forms.Form):
    """Moving the placed people to another unit."""

    to_unit = forms.ModelChoiceField(label=_("Nuovo alloggio"), queryset=None)
    move_date = forms.DateField(
        label=_("Data del trasferimento"),
        widget=DateInput(),
        help_text=_("Il primo giorno nel nuovo alloggio: il vecchio si lascia la sera prima."),
    )
    planned_end_date = forms.DateField(label=_("Fine prevista"), required=False, widget=DateInput())
    planned_end_reason = forms.CharField(
        max_length=REASON_MAX_LENGTH,
        label=_("Motivo della fine prevista diversa"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = targets
        self.fields["to_unit"].empty_label = BLANK_LABEL
        self.fields["to_unit"].label_from_instance = lambda unit: (
            f"{unit} · {unit.project.display_name} · {unit.get_kind_display()}, "
            f"{unit.capacity} " + str(_("posti"))
        )
        self.fields["move_date"].initial = timezone.localdate()
        self.fields["planned_end_date"].help_text = _(
            "Lascia vuoto: nello stesso progetto resta la fine prevista attuale, in un altro "
            "vale la sua permanenza massima."
        )
        self.helper = _helper(_("Trasferisci"))


class UnitForm(forms.ModelForm):
    """What a coordinator may change of a unit: capacity, state, accessibility."""

    class Meta:
        model = HousingUnit
        fields = ["capacity", "state", "step_free", "accessible_bathroom", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_length(self.fields["notes"], TEXT_MAX_LENGTH)
        self.helper = _helper(_("Salva"))


class CaseCloseForm(CaseSideCloseForm):
    """The exit of a case (beneficiaries' form: outcome, goals, follow-ups) and, when
    the household still lives in a unit of the case, the exit from it on the same day."""

    end_placements = forms.BooleanField(
        label=_("Registra anche l'uscita dall'alloggio alla stessa data"),
        required=False,
        initial=True,
        help_text=_(
            "Con la stessa destinazione; il motivo dell'uscita segue quello della "
            "dimissione. Senza, la presa in carico non si chiude."
        ),
    )

    def __init__(self, *args, hanging=(), **kwargs):
        super().__init__(*args, **kwargs)
        if not hanging:
            del self.fields["end_placements"]


# The contribution ledger -------------------------------------------------------------


def _money(label, **kwargs) -> forms.DecimalField:
    # Localised: "45,50" as Italians type it.
    return forms.DecimalField(label=label, max_digits=10, decimal_places=2, localize=True, **kwargs)


class MonthInput(forms.DateInput):
    """The browser's month picker; the value travels as YYYY-MM."""

    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m")


def _month(label, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label, widget=MonthInput(), input_formats=["%Y-%m", "%Y-%m-%d"], **kwargs
    )


class ChargeMonthForm(forms.Form):
    """Charging one month of a placement."""

    month = _month(_("Mese da addebitare"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].initial = timezone.localdate().replace(day=1)
        self.helper = _helper(_("Addebita il mese"))


class PaymentForm(forms.Form):
    """A payment of the contribution."""

    paid_on = forms.DateField(label=_("Data del pagamento"), widget=DateInput())
    amount = _money(_("Importo (€)"))
    method = forms.ChoiceField(
        label=_("Modalità"), choices=[("", BLANK_LABEL), *Payment.Method.choices]
    )
    receipt_number = forms.CharField(label=_("Numero di ricevuta"), max_length=50)
    instalment = forms.ModelChoiceField(
        label=_("Rata del piano di rientro"),
        queryset=None,
        required=False,
        empty_label=_("— nessuna —"),
        help_text=_("Se il pagamento salda una rata di un piano di rientro."),
    )
    notes = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, instalments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = timezone.localdate()
        self.fields["instalment"].queryset = instalments
        if not instalments.exists():
            del self.fields["instalment"]
        self.helper = _helper(_("Registra il pagamento"))


class PaymentReverseForm(forms.Form):
    """Cancelling a payment with a reversing entry."""

    reason = forms.CharField(label=_("Motivo dello storno"), max_length=500)


class ContributionChangeForm(forms.Form):
    effective_from = forms.DateField(label=_("Dal"), widget=DateInput())
    monthly_amount = _money(_("Nuova quota mensile (€)"), min_value=0)
    reason = forms.CharField(label=_("Motivo"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Registra la variazione"))


class ContributionSuspensionForm(forms.Form):
    start_date = forms.DateField(label=_("Dal"), widget=DateInput())
    end_date = forms.DateField(
        label=_("Al"),
        required=False,
        widget=DateInput(),
        help_text=_("Vuoto: fino a nuovo avviso."),
    )
    reason = forms.CharField(label=_("Motivo"), widget=forms.Textarea(attrs={"rows": 2}))
    document_reference = forms.CharField(
        label=_("Documento"),
        max_length=120,
        help_text=_("Il documento che motiva la sospensione (verbale d'équipe, protocollo...)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Registra la sospensione"))


class ArrearsFlagForm(forms.Form):
    first_month = _month(_("Dal mese"))
    last_month = _month(_("Al mese"), required=False, help_text=_("Vuoto: fino a nuovo avviso."))
    reason = forms.CharField(
        label=_("Motivo"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Per esempio: il contributo pubblico che copre la quota arriva in ritardo."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Segna come non imputabile"))


class RepaymentPlanForm(forms.Form):
    agreed_on = forms.DateField(label=_("Concordato il"), widget=DateInput())
    total = _money(_("Importo da rientrare (€)"))
    instalments = forms.IntegerField(label=_("Numero di rate mensili"), min_value=1, max_value=60)
    first_due_on = forms.DateField(label=_("Scadenza della prima rata"), widget=DateInput())
    notes = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreed_on"].initial = timezone.localdate()
        self.helper = _helper(_("Registra il piano di rientro"))
